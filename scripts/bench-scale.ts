/**
 * The emulator at the size of real annotation jobs. For each size (default 10k, 100k and 1M
 * images) it writes an OBS folder of tiny PNG, JPEG and BMP files under os.tmpdir() (some
 * JPEGs with a 30 KB EXIF segment before the frame header, so size reading must look past the
 * first bytes), then, with the emulator and the client each in their own process:
 *
 *   warm-up     one call of each reading operation, untimed (first-use compilation in both processes)
 *   sync        sync_obs, then sync_obs_status every 50 ms until it is not 3
 *   memory      the emulator's heap after a forced GC, after the sync minus before it, per image
 *   walk        iterate_images_by_tag over every unlabelled image (all of them), per_page 100
 *   tagging     modify_image_info of every 10th image with "cat", 1,000 images per request
 *   tag walk    iterate_images_by_tag over "cat" (10 % of the images), per_page 100, repeated
 *               up to 10,000 images in all at the small sizes
 *   tag stats   median latency of 21 get_tag_statistics calls
 *
 * The same run repeats sizes up to --baseline-max (default 100k) against the emulator as it was
 * before the indexes and the header-only sync (commit BASELINE_COMMIT, unpacked with git archive
 * under out/), so speed-ups are measured side by side on one machine in one run. Every walk is
 * checked: each image once, in key order, as many as the total says.
 *
 * Bounded: each step has a deadline proportional to its size, and the whole run one; on any
 * failure or Ctrl+C the child processes are killed and the temporary folders removed.
 *
 *   npm run bench:scale [-- --sizes 10000,100000,1000000 --baseline-max 100000 --max-minutes 40]
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

/** The last commit before the emulator's indexes and header-only sync (issue 14). */
const BASELINE_COMMIT = "c27a074";
const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const SCRIPT = fileURLToPath(import.meta.url);

const AK = "BENCHSCALEAK00000001";
const SK = "bench-scale-sk-00000000000000000000001";
const PROJECT_ID = "0b6d9a7f2c4e4d1a8f3b5c7d9e1f2a3b";
const JOB_ID = "282";
const BUCKET = "bench";
const PREFIX = "images/";
const FILES_PER_FOLDER = 1000;
const PER_PAGE = 100;
const TAG = "cat";
const TAGGED_EVERY = 10;
const MIN_WALKED = 10_000;
/** Often enough for a figure in seconds, rare enough that the polls do not slow the scan they time. */
const SYNC_POLL_MS = 50;

// ---------------------------------------------------------------------------------------------
// Messages between the processes

type ClientStep = "warm" | "sync" | "walk" | "tag" | "tagWalk" | "stats";
type ToClient = { step: ClientStep };
type ToEmulator = { step: "memory" };
/** `pageMs`: the median time from one page's first image to the next page's, for walks. */
type StepResult = { ms: number; count: number; pageMs?: number };
type FromChild = { ready: string } | { result: StepResult } | { memory: { heapUsed: number; rss: number } } | { error: string };

function send(child: ChildProcess, message: ToClient | ToEmulator): void {
  child.send(message);
}

/** The next message of a child, or a rejection when it exits or the deadline passes first. */
function nextMessage(child: ChildProcess, what: string, timeoutMs: number): Promise<FromChild> {
  return new Promise((resolvePromise, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    const onMessage = (message: FromChild): void => {
      done();
      if ("error" in message) reject(new Error(`${what}: ${message.error}`));
      else resolvePromise(message);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      done();
      reject(new Error(`${what}: the process exited (${code ?? signal}) before answering`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what}: no answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

// ---------------------------------------------------------------------------------------------
// Emulator process: the emulator of the given source tree, and its heap on request.

async function runEmulator(sourceRoot: string, obsRoot: string): Promise<void> {
  const { startEmulator } = (await import(pathToFileURL(join(sourceRoot, "src/emulator/index.ts")).href)) as typeof import("../src/emulator/index.js");
  const emulator = await startEmulator({
    obsRoot,
    credentials: [{ ak: AK, sk: SK }],
    jobs: [{ id: JOB_ID, name: "bench", data_path: `obs://${BUCKET}/${PREFIX}`, project_id: PROJECT_ID, type: 0 }],
    syncDelayMs: 0,
  });
  const gc = globalThis.gc as () => void;
  process.on("message", (message: ToEmulator) => {
    if (message.step !== "memory") return;
    // Twice: the first pass can leave objects that finalizers or weak references released.
    gc();
    gc();
    const { heapUsed, rss } = process.memoryUsage();
    process.send?.({ memory: { heapUsed, rss } } satisfies FromChild);
  });
  process.on("disconnect", () => void emulator.close().then(() => process.exit(0)));
  process.send?.({ ready: emulator.url } satisfies FromChild);
}

// ---------------------------------------------------------------------------------------------
// Client process: the package's client, as a user's program would call it.

async function runClient(url: string): Promise<void> {
  const { createClient, DataAnnotationsApi } = await import("../src/index.js");
  const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { ak: AK, sk: SK }, projectId: PROJECT_ID, env: {}, timeoutMs: 120_000 }));
  const job = { data_annotation_id: JOB_ID };
  const tagged: string[] = [];
  let expectedImages = 0;

  const fail = (what: string, result: unknown): never => {
    throw new Error(`${what} failed: ${JSON.stringify(result)}`);
  };

  /**
   * Walks a filter, checking that each image comes once, in key order. Besides the total, it
   * times each page (first image of one to first image of the next: the request for the next
   * page lies in between), since the median page is what other processes on a shared machine
   * disturb least.
   */
  async function walk(tagName: string, onImage?: (id: string, i: number) => void): Promise<StepResult> {
    const started = performance.now();
    const pageStarts: number[] = [];
    let count = 0;
    let lastUrl = "";
    for await (const image of das.iterate_images_by_tag({ ...job, tag_name: tagName, per_page: PER_PAGE })) {
      if (count % PER_PAGE === 0) pageStarts.push(performance.now());
      if (!(image.url > lastUrl)) throw new Error(`walk of ${tagName}: ${image.url} came after ${lastUrl}`);
      lastUrl = image.url;
      onImage?.(image.image_id, count);
      count++;
    }
    const ms = performance.now() - started;
    pageTimes.push(...pageStarts.slice(1).map((t, i) => t - (pageStarts[i] as number)));
    return { ms, count };
  }
  const pageTimes: number[] = [];

  /**
   * A walk of a small filter (a tag at 10k is ten pages) is repeated up to MIN_WALKED images in
   * all, so that its per-image figures rest on as many pages as the larger sizes' do; the figures
   * are per walk (mean of the repetitions) and per page (median over all).
   */
  async function timedWalk(tagName: string, expected: number, onImage?: (id: string, i: number) => void): Promise<StepResult> {
    pageTimes.length = 0;
    let ms = 0;
    let walks = 0;
    do {
      const result = await walk(tagName, walks === 0 ? onImage : undefined);
      if (result.count !== expected) throw new Error(`the walk of ${tagName} yielded ${result.count} images of ${expected}`);
      ms += result.ms;
      walks++;
    } while (walks * expected < MIN_WALKED);
    return { ms: ms / walks, count: expected, pageMs: pageTimes.length > 0 ? median(pageTimes) : ms / walks };
  }

  const steps: Record<ClientStep, () => Promise<StepResult>> = {
    // Both processes compile and load on first use (request validators, undici): not part of any figure.
    async warm() {
      const started = performance.now();
      for (const result of [await das.sync_obs_status(job), await das.show_images_by_tag({ ...job, per_page: PER_PAGE }), await das.get_tag_statistics(job)]) {
        if (!result.is_success) fail("warm-up", result);
      }
      return { ms: performance.now() - started, count: 3 };
    },
    async sync() {
      const started = performance.now();
      const start = await das.sync_obs(job);
      if (!start.is_success) fail("sync_obs", start);
      for (;;) {
        const status = await das.sync_obs_status(job);
        if (!status.is_success) fail("sync_obs_status", status);
        else if (status.sync_status !== 3) {
          if (status.sync_status !== 1) throw new Error(`the sync ended with status ${status.sync_status}`);
          break;
        }
        await new Promise((r) => setTimeout(r, SYNC_POLL_MS));
      }
      const ms = performance.now() - started;
      const stats = await das.get_tag_statistics(job);
      if (!stats.is_success) return fail("get_tag_statistics", stats);
      expectedImages = stats.tags_stat.reduce((sum, s) => sum + s.count, 0);
      return { ms, count: expectedImages };
    },
    walk: () =>
      timedWalk("__none__", expectedImages, (id, i) => {
        if (i % TAGGED_EVERY === 0) tagged.push(id);
      }),
    async tag() {
      const started = performance.now();
      for (let i = 0; i < tagged.length; i += 1000) {
        const images = tagged.slice(i, i + 1000).map((image_id) => ({ image_id, tags: [TAG] }));
        const result = await das.modify_image_info({ ...job, body: { images } });
        if (!result.is_success) fail("modify_image_info", result);
      }
      return { ms: performance.now() - started, count: tagged.length };
    },
    tagWalk: () => timedWalk(TAG, tagged.length),
    async stats() {
      const times: number[] = [];
      for (let i = 0; i < 21; i++) {
        const started = performance.now();
        const stats = await das.get_tag_statistics(job);
        times.push(performance.now() - started);
        if (!stats.is_success) return fail("get_tag_statistics", stats);
        const cats = stats.tag_count.find((t) => t.tag === TAG)?.count;
        if (cats !== tagged.length) throw new Error(`get_tag_statistics counts ${cats} ${TAG}s, not ${tagged.length}`);
      }
      return { ms: median(times), count: 21 };
    },
  };

  process.on("message", (message: ToClient) => {
    steps[message.step]().then(
      (result) => process.send?.({ result } satisfies FromChild),
      (error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) } satisfies FromChild),
    );
  });
  process.on("disconnect", () => process.exit(0));
  process.send?.({ ready: "client" } satisfies FromChild);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

// ---------------------------------------------------------------------------------------------
// The OBS folder: tiny but real image headers, a few formats, some needing more than a first read.

function pngHeader(width: number, height: number): Buffer {
  const png = Buffer.alloc(33);
  Buffer.from("89504e470d0a1a0a", "hex").copy(png, 0);
  png.writeUInt32BE(13, 8);
  png.write("IHDR", 12, "latin1");
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png[24] = 8; // bit depth; the CRC is not checked by anything here
  return png;
}

function jpegHeader(width: number, height: number, exifBytes: number): Buffer {
  const app1 = exifBytes > 0 ? Buffer.alloc(4 + exifBytes) : Buffer.alloc(0);
  if (exifBytes > 0) {
    app1.writeUInt16BE(0xffe1, 0);
    app1.writeUInt16BE(2 + exifBytes, 2);
    app1.write("Exif\0\0", 4, "latin1");
  }
  const sof = Buffer.alloc(19);
  sof.writeUInt16BE(0xffc0, 0);
  sof.writeUInt16BE(17, 2);
  sof[4] = 8;
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  sof[9] = 3;
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, sof, Buffer.from([0xff, 0xd9])]);
}

function bmpHeader(width: number, height: number): Buffer {
  const bmp = Buffer.alloc(54);
  bmp.write("BM", 0, "latin1");
  bmp.writeUInt32LE(54, 2);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(width, 18);
  bmp.writeInt32LE(-height, 22);
  return bmp;
}

/** Writes `count` images in folders of FILES_PER_FOLDER; returns how many need more than 4 KiB read. */
function writeObsFolder(obsRoot: string, count: number): number {
  let large = 0;
  for (let folder = 0; folder * FILES_PER_FOLDER < count; folder++) {
    const dir = join(obsRoot, BUCKET, ...PREFIX.split("/").filter(Boolean), `part-${String(folder).padStart(4, "0")}`);
    mkdirSync(dir, { recursive: true });
    for (let i = folder * FILES_PER_FOLDER; i < Math.min(count, (folder + 1) * FILES_PER_FOLDER); i++) {
      const width = 320 + (i % 1000);
      const height = 240 + (i % 700);
      const name = `img-${String(i).padStart(7, "0")}`;
      const kind = i % 4;
      if (kind === 0) writeFileSync(join(dir, `${name}.png`), pngHeader(width, height));
      else if (kind === 1) {
        // One JPEG in 25 has a 30 KB EXIF block before its frame header, as camera files do.
        const exif = i % 100 === 1 ? 30_000 : 0;
        if (exif > 0) large++;
        writeFileSync(join(dir, `${name}.jpg`), jpegHeader(width, height, exif));
      } else if (kind === 2) writeFileSync(join(dir, `${name}.jpeg`), jpegHeader(width, height, 0));
      else writeFileSync(join(dir, `${name}.bmp`), bmpHeader(width, height));
    }
  }
  return large;
}

// ---------------------------------------------------------------------------------------------
// Parent: orchestration, bounds, the table.

interface Row {
  images: number;
  variant: "indexed" | "baseline";
  syncMs: number;
  heapPerImage: number;
  rssPerImage: number;
  walkMs: number;
  walkPageMs: number;
  walked: number;
  tagMs: number;
  tagged: number;
  tagWalkMs: number;
  tagWalkPageMs: number;
  statsMs: number;
}

const children = new Set<ChildProcess>();
const cleanups: (() => void)[] = [];

function cleanUp(): void {
  for (const child of children) if (child.exitCode === null && child.pid !== undefined) child.kill("SIGKILL");
  children.clear();
  for (const cleanup of cleanups.splice(0)) {
    try {
      cleanup();
    } catch (error) {
      console.error(`cleanup: ${(error as Error).message}`);
    }
  }
}

function spawnChild(args: string[], execArgv: string[] = []): ChildProcess {
  const child = fork(SCRIPT, args, { execArgv: [...execArgv, "--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.disconnect();
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

async function measure(images: number, variant: Row["variant"], sourceRoot: string, obsRoot: string): Promise<Row> {
  // Generous: 1 ms per image per step (the baseline walks at about 0.1 ms per image at 100k), plus a minute.
  const deadline = 60_000 + images;
  const emulator = spawnChild(["--role", "emulator", "--source", sourceRoot, "--obs", obsRoot], ["--expose-gc", "--max-old-space-size=8192"]);
  let client: ChildProcess | undefined;
  try {
    const ready = await nextMessage(emulator, `${variant} emulator start`, 60_000);
    if (!("ready" in ready)) throw new Error("the emulator did not say where it listens");
    const memory = async (): Promise<{ heapUsed: number; rss: number }> => {
      send(emulator, { step: "memory" });
      const answer = await nextMessage(emulator, "emulator memory", 60_000);
      if (!("memory" in answer)) throw new Error("the emulator did not report its memory");
      return answer.memory;
    };
    const walker = spawnChild(["--role", "client", "--url", ready.ready]);
    client = walker;
    await nextMessage(walker, "client start", 60_000);
    const step = async (name: ClientStep): Promise<StepResult> => {
      send(walker, { step: name });
      const answer = await nextMessage(walker, `${variant} ${images} ${name}`, deadline);
      if (!("result" in answer)) throw new Error(`${name}: unexpected answer`);
      return answer.result;
    };
    await step("warm");
    const before = await memory();
    const sync = await step("sync");
    if (sync.count !== images) throw new Error(`the sync found ${sync.count} images, not ${images}`);
    const after = await memory();
    const walk = await step("walk");
    const tag = await step("tag");
    const tagWalk = await step("tagWalk");
    const stats = await step("stats");
    await stop(walker);
    return {
      images,
      variant,
      syncMs: sync.ms,
      heapPerImage: (after.heapUsed - before.heapUsed) / images,
      rssPerImage: (after.rss - before.rss) / images,
      walkMs: walk.ms,
      walkPageMs: walk.pageMs as number,
      walked: walk.count,
      tagMs: tag.ms,
      tagged: tag.count,
      tagWalkMs: tagWalk.ms,
      tagWalkPageMs: tagWalk.pageMs as number,
      statsMs: stats.ms,
    };
  } finally {
    for (const child of [client, emulator]) if (child !== undefined) await stop(child).catch(() => child.kill("SIGKILL"));
  }
}

/** The emulator's sources at BASELINE_COMMIT, under out/ so that they resolve this repository's node_modules. */
function unpackBaseline(): string {
  mkdirSync(join(ROOT, "out"), { recursive: true });
  const dir = mkdtempSync(join(ROOT, "out", "bench-baseline-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const archive = execFileSync("git", ["archive", "--format=tar", BASELINE_COMMIT, "src", "generated"], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  return dir;
}

const fmtS = (ms: number): string => (ms / 1000).toFixed(2) + " s";
const fmtUs = (ms: number, n: number): string => ((ms * 1000) / n).toFixed(1) + " µs";
const fmtBytes = (bytes: number): string => Math.round(bytes) + " B";
const label = (n: number): string => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));

function printTable(rows: Row[]): void {
  const header = [
    "images",
    "emulator",
    "sync → 1",
    "heap/image",
    "rss/image",
    "walk, all untagged",
    "per image (mean / median page)",
    "tagging 10 %",
    "tag walk",
    "per image (mean / median page)",
    "tag stats (median)",
  ];
  const lines = rows.map((r) => [
    label(r.images),
    r.variant,
    fmtS(r.syncMs),
    fmtBytes(r.heapPerImage),
    fmtBytes(r.rssPerImage),
    fmtS(r.walkMs),
    `${fmtUs(r.walkMs, r.walked)} / ${fmtUs(r.walkPageMs, PER_PAGE)}`,
    fmtS(r.tagMs),
    fmtS(r.tagWalkMs),
    `${fmtUs(r.tagWalkMs, r.tagged)} / ${fmtUs(r.tagWalkPageMs, PER_PAGE)}`,
    r.statsMs.toFixed(2) + " ms",
  ]);
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const line of lines) console.log(`| ${line.join(" | ")} |`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: "string" },
      source: { type: "string" },
      obs: { type: "string" },
      url: { type: "string" },
      sizes: { type: "string", default: "10000,100000,1000000" },
      "baseline-max": { type: "string", default: "100000" },
      "max-minutes": { type: "string", default: "40" },
    },
  });
  if (values.role === "emulator") return runEmulator(values.source as string, values.obs as string);
  if (values.role === "client") return runClient(values.url as string);

  const sizes = values.sizes.split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 100)) throw new TypeError("--sizes: whole numbers of at least 100, comma-separated");
  const baselineMax = Number(values["baseline-max"]);
  const maxMs = Number(values["max-minutes"]) * 60_000;
  const overall = setTimeout(() => {
    console.error(`bench:scale: stopped after ${values["max-minutes"]} minutes (--max-minutes)`);
    cleanUp();
    process.exit(1);
  }, maxMs);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }

  const cpu = cpus();
  console.log(`bench:scale ${new Date().toISOString()} · ${cpu.length} × ${cpu[0]?.model ?? "cpu"} · ${(totalmem() / 2 ** 30).toFixed(0)} GB · node ${process.version}`);
  console.log(`baseline: the emulator at ${BASELINE_COMMIT} (before indexes and header-only sync), for sizes up to ${label(baselineMax)}\n`);
  const rows: Row[] = [];
  try {
    const baselineRoot = sizes.some((n) => n <= baselineMax) ? unpackBaseline() : undefined;
    for (const images of sizes) {
      const obsRoot = mkdtempSync(join(tmpdir(), "modelarts-bench-scale-"));
      const removeObs = (): void => rmSync(obsRoot, { recursive: true, force: true });
      cleanups.push(removeObs);
      const writing = performance.now();
      const large = writeObsFolder(obsRoot, images);
      console.log(`${label(images)}: wrote ${images} files (${large} with a 30 KB EXIF block) in ${fmtS(performance.now() - writing)}`);
      // Both variants read the folder from the page cache: it was just written.
      const variants: [Row["variant"], string][] = [["indexed", ROOT]];
      if (baselineRoot !== undefined && images <= baselineMax) variants.push(["baseline", baselineRoot]);
      for (const [variant, source] of variants) {
        const row = await measure(images, variant, source, obsRoot);
        rows.push(row);
        console.log(`  ${variant}: sync ${fmtS(row.syncMs)}, walk ${fmtS(row.walkMs)}, tag walk ${fmtS(row.tagWalkMs)}, heap ${fmtBytes(row.heapPerImage)}/image`);
      }
      const removing = performance.now();
      removeObs();
      cleanups.splice(cleanups.indexOf(removeObs), 1);
      console.log(`  removed the folder in ${fmtS(performance.now() - removing)}`);
    }
  } finally {
    clearTimeout(overall);
    cleanUp();
  }

  console.log("");
  printTable(rows);
  console.log("");
  const indexed = rows.filter((r) => r.variant === "indexed");
  for (const row of rows.filter((r) => r.variant === "baseline")) {
    const ours = indexed.find((r) => r.images === row.images) as Row;
    console.log(
      `${label(row.images)}: sync ${(row.syncMs / ours.syncMs).toFixed(1)}x faster, untagged walk ${(row.walkMs / ours.walkMs).toFixed(1)}x, tag walk ${(row.tagWalkMs / ours.tagWalkMs).toFixed(1)}x than the baseline`,
    );
  }
  const smallest = indexed[0];
  const largest = indexed[indexed.length - 1];
  if (smallest !== undefined && largest !== undefined && largest !== smallest) {
    const ratio = (a: number, b: number): string => (a / b).toFixed(2);
    console.log(
      `walk cost per image, ${label(largest.images)} / ${label(smallest.images)} (linear: <= 2): ` +
        `untagged ${ratio(largest.walkMs / largest.walked, smallest.walkMs / smallest.walked)} (mean), ${ratio(largest.walkPageMs, smallest.walkPageMs)} (median page); ` +
        `tag ${ratio(largest.tagWalkMs / largest.tagged, smallest.tagWalkMs / smallest.tagged)} (mean), ${ratio(largest.tagWalkPageMs, smallest.tagWalkPageMs)} (median page)`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(`bench:scale failed: ${error instanceof Error ? error.message : String(error)}`);
  cleanUp();
  process.exit(1);
});
