#!/usr/bin/env node
/**
 * `modelarts-annotations`: the package's command line. See program.ts for the commands and
 * exit-codes.ts for what the exit status means.
 */
import { CommanderError } from "commander";
import { createRequire } from "node:module";
import { EXIT } from "./exit-codes.js";
import type { CliIo } from "./output.js";
import { buildProgram } from "./program.js";
import { UsageError } from "./usage.js";

async function main(argv: readonly string[], io: CliIo): Promise<number> {
  // Read through the package's own export, right both in the repository and when installed.
  const { version } = createRequire(import.meta.url)("modelarts-data-annotations/package.json") as { version: string };
  let code: number = EXIT.OK;
  const program = buildProgram(io, version, async (pending) => {
    code = await pending;
  });
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (error instanceof UsageError) {
      io.stderr.write(`modelarts-annotations: ${error.message}\n${error.hint}\n`);
      return EXIT.USAGE;
    }
    throw error;
  }
  return code;
}

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Not one of the client's typed errors: the emulator failing to start (a port in use, an
    // obs root that is a file), or a bug. The message alone, as for any other failure.
    process.stderr.write(`modelarts-annotations: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT.SERVICE;
  },
);
