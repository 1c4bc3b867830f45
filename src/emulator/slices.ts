/**
 * Long synchronous work (a scan's file reads, building a synced job's lists) done in slices
 * of at most SLICE_MS, between which the event loop serves requests. A block of seconds
 * would not only delay answers: the HTTP server's keep-alive timers, overdue when the loop
 * comes back, close sockets a client has just sent its next request on (ECONNRESET).
 */

/** Longest stretch of work before the event loop gets a turn. */
const SLICE_MS = 8;

export class Slices {
  #until = performance.now() + SLICE_MS;

  /** Checked per item; awaiting pause() only when due spares a promise tick per item. */
  get due(): boolean {
    return performance.now() >= this.#until;
  }

  async pause(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.#until = performance.now() + SLICE_MS;
  }
}
