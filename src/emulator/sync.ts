/**
 * Background OBS scans. A scan reads the folder without holding anything, the job's next
 * images are built from it in slices, and then applied to the state in one synchronous
 * step, so requests served while it runs see the job either wholly before or wholly after
 * it, and scans of different jobs interleave freely.
 */
import { scanObsFolder } from "./obs.js";
import { Slices } from "./slices.js";
import type { AnnotationState, Job } from "./state.js";

interface SyncRunnerOptions {
  state: AnnotationState;
  obsRoot: string;
  /** Shortest time a sync stays in state 3. */
  minDurationMs: number;
  log: (line: string) => void;
}

export class SyncRunner {
  readonly #options: SyncRunnerOptions;
  readonly #running = new Set<Promise<void>>();
  /** Pending minimum-duration waits, each ended early by close(). */
  readonly #waits = new Set<() => void>();
  #closed = false;

  constructor(options: SyncRunnerOptions) {
    this.#options = options;
  }

  /** Puts the job in state 3 and scans in the background; ModelArts.4355 if it is already syncing. */
  start(job: Job): void {
    this.#options.state.beginSync(job);
    const run: Promise<void> = this.#run(job).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  async #run(job: Job): Promise<void> {
    const { state, obsRoot, minDurationMs, log } = this.#options;
    const started = performance.now();
    let objects: Awaited<ReturnType<typeof scanObsFolder>> | undefined;
    let failure: string | undefined;
    try {
      objects = await scanObsFolder(obsRoot, job.location);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    const remaining = minDurationMs - (performance.now() - started);
    if (remaining > 0 && !this.#closed) await this.#wait(remaining);
    if (objects === undefined) {
      state.failSync(job);
      log(`sync of job ${job.id} (${job.dataPath}) failed: ${failure}`);
      return;
    }
    // Built in slices, then swapped in at once: requests see the job wholly before or after.
    const outcome = state.applySync(job, await state.prepareSync(job, objects, new Slices()));
    log(`sync of job ${job.id} (${job.dataPath}) succeeded: ${objects.length} images, ${outcome.added.length} added, ${outcome.removed.length} removed`);
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.#waits.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.#waits.add(end);
    });
  }

  /** Resolves once no scan is running, including scans started while waiting. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /** Cuts the minimum duration short and waits for the scans to end. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const end of [...this.#waits]) end();
    await this.idle();
  }
}
