/**
 * A request body given on the command line (--body of modify-image and of call): JSON text, a
 * file, or stdin. Read and parsed before any client exists, so a bad body is a usage error
 * that sends nothing.
 */
import { readFile } from "node:fs/promises";
import { readStdin } from "./stdin.js";
import { UsageError } from "./usage.js";

/**
 * `source` as --body takes it: "-" reads stdin; text that starts with `{` or `[` is the JSON
 * itself (no file name starts so, and a body is always an object or array); "@path" or any
 * other text is a file. The @ is optional because modify-image took a plain file name first.
 */
export async function readBody(source: string, option = "--body"): Promise<unknown> {
  const inline = /^\s*[[{]/.test(source);
  let text: string;
  if (inline) {
    text = source;
  } else {
    const file = source.startsWith("@") ? source.slice(1) : source;
    try {
      text = source === "-" ? await readStdin(option) : await readFile(file, "utf8");
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`cannot read ${option} ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // Inline text is not quoted back: it is what the user just typed, and may be long.
    const what = inline ? `${option} (inline JSON)` : `${option} ${source}`;
    throw new UsageError(`${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
