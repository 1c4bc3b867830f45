/**
 * Everything the CLI writes goes through here: one JSON document on stdout with --json,
 * aligned plain-text tables otherwise, messages on stderr, colour only where a person reads it.
 */
import pc from "picocolors";

/** The parts of a stream the CLI uses; tests pass their own. */
export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  /** True while the stream's buffer is full (Node streams); a writer should then wait for "drain". */
  writableNeedDrain?: boolean;
  once?(event: "drain", listener: () => void): unknown;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  env: NodeJS.ProcessEnv;
}

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * https://no-color.org: a non-empty NO_COLOR turns colour off; FORCE_COLOR turns it on for
 * pipes (CI logs that render ANSI); otherwise only terminals get colour.
 */
export function colorEnabled(stream: OutStream, env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

// Tag names and messages come from the service: a control character in one must not be able to
// move the cursor or retitle the terminal of whoever lists the images.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// Wide (CJK, fullwidth, most emoji) characters take two terminal cells; without this a Chinese
// tag name would push the columns after it out of line.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u;

export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += WIDE.test(char) ? 2 : 1;
  return width;
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

export class Output {
  readonly json: boolean;
  readonly #io: CliIo;
  /** Colours for stdout and stderr, each decided by its own stream. */
  readonly out: Colors;
  readonly err: Colors;

  constructor(io: CliIo, options: { json?: boolean; color?: boolean } = {}) {
    this.#io = io;
    this.json = options.json === true;
    this.out = pc.createColors(colorEnabled(io.stdout, io.env, options.color));
    this.err = pc.createColors(colorEnabled(io.stderr, io.env, options.color));
  }

  get stderr(): OutStream {
    return this.#io.stderr;
  }

  /** Raw text on stdout, for streaming a long document piece by piece. */
  write(text: string): void {
    this.#io.stdout.write(text);
  }

  /**
   * Resolves once stdout can take more. Pipes are asynchronous on some systems (macOS), where a
   * slow reader would otherwise make Node buffer a whole listing; this makes it slow the listing.
   */
  async drained(): Promise<void> {
    const stdout = this.#io.stdout;
    if (stdout.writableNeedDrain === true && stdout.once !== undefined) await new Promise<void>((resolve) => stdout.once!("drain", resolve));
  }

  async writeDrained(text: string): Promise<void> {
    this.#io.stdout.write(text);
    await this.drained();
  }

  /** The command's answer: `doc` as JSON with --json, else the human text. */
  result(doc: unknown, human: () => string): void {
    this.#io.stdout.write(this.json ? `${JSON.stringify(doc, null, 2)}\n` : ensureNewline(human()));
  }

  /** A side remark for people (what changed, where a file went); stderr, so stdout stays the answer. */
  note(text: string): void {
    this.#io.stderr.write(ensureNewline(printable(text)));
  }

  error(text: string): void {
    this.#io.stderr.write(`${this.err.red(this.err.bold("error:"))} ${ensureNewline(printable(text))}`);
  }

  /** Columns separated by two spaces, the last one not padded; a bold header when colour is on. */
  table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
    const cells = rows.map((row) => row.map(printable));
    const widths = widen(headers.map(displayWidth), cells);
    return [this.out.bold(line(headers, widths)), ...cells.map((row) => line(row, widths))].join("\n") + "\n";
  }

  /**
   * A table written to stdout in chunks, a page at a time, for listings too long to hold: the
   * header comes once, and columns only ever widen, so each chunk is aligned in itself.
   */
  tableWriter(headers: readonly string[]): { add(rows: readonly (readonly string[])[]): void } {
    let widths = headers.map(displayWidth);
    let started = false;
    return {
      add: (rows) => {
        const cells = rows.map((row) => row.map(printable));
        widths = widen(widths, cells);
        const text = cells.map((row) => line(row, widths));
        if (!started) text.unshift(this.out.bold(line(headers, widths)));
        started = true;
        if (text.length > 0) this.#io.stdout.write(`${text.join("\n")}\n`);
      },
    };
  }
}

function widen(widths: readonly number[], rows: readonly (readonly string[])[]): number[] {
  return widths.map((width, i) => Math.max(width, ...rows.map((row) => displayWidth(row[i] ?? ""))));
}

function line(row: readonly string[], widths: readonly number[]): string {
  return row
    .map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i] ?? 0)))
    .join("  ")
    .trimEnd();
}

function ensureNewline(text: string): string {
  return text.endsWith("\n") || text === "" ? text : `${text}\n`;
}
