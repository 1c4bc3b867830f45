/**
 * Input from stdin for "-" arguments: piped data is read to its end; a terminal gets either a
 * refusal (data nobody would know to end with Ctrl+D) or, for a secret, a prompt that does not
 * echo what is typed.
 */
import { Interrupted, UsageError } from "./usage.js";

/** All of stdin; refused on a terminal, where it would wait, unprompted, for a Ctrl+D nobody knows to type. */
export async function readStdin(what: string): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError(`${what}: "-" reads stdin, but stdin is a terminal; pipe the input in`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A secret given as "-": piped stdin (without the trailing newline a shell's echo or a
 * here-string adds; anything else is the secret's, and validation refuses line breaks), or typed at a prompt on stderr with echo off, so it reaches neither the
 * screen, the shell's history nor `ps`.
 */
export async function readSecret(label: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return (await readStdin(label)).replace(/\r?\n$/, "");
  // Echo off before the prompt shows, so nothing typed after it can reach the screen.
  stdin.setRawMode(true);
  process.stderr.write(`${label}: `);
  stdin.setEncoding("utf8");
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = "";
      const onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === "\r" || char === "\n" || char === "\u0004") return finish(() => resolve(value));
          // Raw mode turns Ctrl+C into a character instead of SIGINT.
          if (char === "\u0003") return finish(() => reject(new Interrupted("SIGINT")));
          if (char === "\u007f" || char === "\b") value = [...value].slice(0, -1).join("");
          else value += char;
        }
      };
      const finish = (settle: () => void) => {
        stdin.off("data", onData);
        settle();
      };
      stdin.on("data", onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write("\n");
  }
}

/** Asks a yes/no question on stderr and reads one line from the terminal; only "y" or "yes" is yes. */
export async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import("node:readline/promises");
  const prompt = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  let interrupted = false;
  prompt.once("SIGINT", () => {
    interrupted = true;
    prompt.close();
  });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^\s*y(es)?\s*$/i.test(answer);
  } catch (error) {
    if (interrupted) throw new Interrupted("SIGINT");
    throw error;
  } finally {
    prompt.close();
  }
}
