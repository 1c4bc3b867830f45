#!/usr/bin/env node
/**
 * `modelarts-annotations`, the package's bin. Loading commander and building the command tree
 * costs more than the rest of a `--help` run, so the build (scripts/build.mjs) runs the built
 * program once for each of a few one-argument command lines (top-level help and version) and
 * stores what it printed, at the width commander wraps to when stdout is not a terminal; here
 * that text is printed as it is. Any
 * other command line, or a terminal of another width, runs the full program (run.ts). From the
 * sources (tsx) the file does not exist and everything runs the full program. The build makes
 * this file CommonJS (main.cjs), so that a precomputed answer never starts the ES module loader.
 * test/cli/startup.test.ts proves the stored text byte-identical to the full program's output.
 */
import { fstatSync, readFileSync, realpathSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { EXIT } from "./exit-codes.js";

/** precomputed.json, beside the built main.js. */
interface PrecomputedAnswers {
  /** The width the help was wrapped to. */
  helpWidth: number;
  /** For each one-argument command line the build ran, exactly what the full program wrote on stdout (with exit 0). */
  stdout: Record<string, string>;
}

/**
 * The width commander wraps help to on stdout: the terminal's columns, or 80 when stdout is not
 * a terminal. `process.stdout` (and node:tty) load the stream and net modules, which cost as
 * much as the rest of a precomputed answer, so only a character device (every terminal, and
 * /dev/null, whose stream then has no columns) is asked for them.
 */
function helpWidth(): number {
  let characterDevice = false;
  try {
    characterDevice = fstatSync(1).isCharacterDevice();
  } catch {
    // No stdout at all: commander would wrap to 80.
  }
  return (characterDevice ? process.stdout.columns : undefined) ?? 80;
}

/**
 * The whole of `text` on stdout, written to the file descriptor (no stream, for the reason
 * above). A pipe that is full takes the rest through the stream, which waits for it; a reader
 * that has gone ends the process as the stream's error handler below would.
 */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text, "utf8");
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EPIPE") process.exit(EXIT.PIPE_CLOSED);
    if (code !== "EAGAIN") process.exit(EXIT.INTERNAL);
    watchStreams();
    process.stdout.write(bytes.subarray(written));
  }
}

const VERSION_ARGUMENTS = new Set(["--version", "-V"]);

function precomputedAnswer(argv: readonly string[]): string | undefined {
  if (argv.length !== 1) return undefined;
  const only = argv[0]!;
  let answers: PrecomputedAnswers;
  try {
    // Beside the running script (the bin is built as CommonJS, where import.meta does not exist).
    answers = JSON.parse(readFileSync(join(dirname(realpathSync(process.argv[1]!)), "precomputed.json"), "utf8")) as PrecomputedAnswers;
  } catch {
    return undefined;
  }
  if (!Object.hasOwn(answers.stdout, only)) return undefined;
  // Only help is wrapped to a width; the version is the same line on any terminal.
  return VERSION_ARGUMENTS.has(only) || answers.helpWidth === helpWidth() ? answers.stdout[only] : undefined;
}

// Node gets EPIPE where other tools die of SIGPIPE: once the reader of stdout or stderr has
// gone (`... | head`), nothing more can be said, so stop at once, without a stack trace, with
// SIGPIPE's exit code. Any other failure to write (a full disk) is one of "anything else".
function watchStreams(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      process.exit(error.code === "EPIPE" ? EXIT.PIPE_CLOSED : EXIT.INTERNAL);
    });
  }
}

const argv = process.argv.slice(2);
const answer = precomputedAnswer(argv);
if (answer !== undefined) {
  writeStdout(answer);
} else {
  watchStreams();
  import("./run.js")
    .then(({ runCli }) => runCli(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env }))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        // Not one of the client's typed errors: the emulator failing to start (a port in use, an
        // obs root that is a file), or a bug. The message alone, as for any other failure.
        process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = EXIT.INTERNAL;
      },
    );
}
