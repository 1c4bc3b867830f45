/**
 * The one-line live status of `sync-obs --wait`, redrawn in place on a terminal. When the
 * stream is not a TTY (a pipe, a CI log) it writes nothing at all: carriage returns and
 * escape codes would only litter the log.
 */
import type { Colors, OutStream } from "./output.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const CLEAR_LINE = "\r\u001b[2K";
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;

export class ProgressLine {
  readonly #stream: OutStream;
  readonly #colors: Colors;
  readonly #started = performance.now();
  #text = "";
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(stream: OutStream, colors: Colors, { tickMs = 100 }: { tickMs?: number } = {}) {
    this.#stream = stream;
    this.#colors = colors;
    if (this.enabled) {
      // The spinner and clock move between polls, so a long wait still looks alive; unref'd,
      // so a forgotten line never keeps the process up.
      this.#timer = setInterval(() => this.#draw(), tickMs);
      this.#timer.unref();
    }
  }

  get enabled(): boolean {
    return this.#stream.isTTY === true;
  }

  update(text: string): void {
    this.#text = text;
    this.#draw();
  }

  /** Erases the line; call before printing the final answer. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.enabled && this.#text !== "") this.#stream.write(CLEAR_LINE);
    this.#text = "";
  }

  #draw(): void {
    if (!this.enabled || this.#text === "") return;
    const frame = FRAMES[this.#frame++ % FRAMES.length] ?? "";
    const elapsed = `${((performance.now() - this.#started) / 1000).toFixed(1)} s`;
    // Wider than the terminal would wrap, and \r would then redraw only the last row; the
    // width is that of the visible text, and a line too wide is cut without its colour codes,
    // since a cut escape sequence could leave the terminal coloured.
    const columns = this.#stream.columns || 80;
    // By code point, so a cut never splits a surrogate pair.
    const plain = [...`${frame} ${this.#text.replace(SGR, "")} ${elapsed}`];
    const line = plain.length < columns ? `${this.#colors.cyan(frame)} ${this.#text} ${this.#colors.dim(elapsed)}` : plain.slice(0, columns - 1).join("");
    this.#stream.write(CLEAR_LINE + line);
  }
}
