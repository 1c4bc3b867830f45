#!/usr/bin/env node
/**
 * `modelarts-annotations`: the package's command line. See program.ts for the commands and
 * exit-codes.ts for what the exit status means.
 */
import { CommanderError } from "commander";
import { createRequire } from "node:module";
import { EXIT } from "./exit-codes.js";
import type { CliIo } from "./output.js";
import { buildProgram, suggestCommands, withoutOptionValues } from "./program.js";
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
  // The emulator parses its own options, so its real usage is what "emulator --help" prints.
  if (argv[0] === "help" && argv[1] === "emulator") argv = ["emulator", "--help"];
  const typed = argv[0]!;
  const names = program.commands.map((command) => command.name());
  if (!typed.startsWith("-") && typed !== "help" && !names.includes(typed)) {
    const error_msg = `unknown command '${typed}'`;
    if (argv.includes("--json")) io.stdout.write(`${JSON.stringify({ is_success: false, error_code: "USAGE", error_msg }, null, 2)}\n`);
    const similar = suggestCommands(typed, names);
    const suggestion = similar.length === 0 ? "" : `Did you mean ${similar.join(" or ")}?\n`;
    io.stderr.write(`error: ${error_msg}\n${suggestion}Run "modelarts-annotations --help" for the commands.\n`);
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.OK;
      // Commander has written its message to stderr; --json still promises a document on stdout.
      if (argv.includes("--json")) {
        const error_msg = withoutOptionValues(error.message.replace(/^error: /, ""));
        io.stdout.write(`${JSON.stringify({ is_success: false, error_code: "USAGE", error_msg }, null, 2)}\n`);
      }
      return EXIT.USAGE;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n${error.hint}\n`);
      return EXIT.USAGE;
    }
    throw error;
  }
  return code;
}

// Node gets EPIPE where other tools die of SIGPIPE: once the reader of stdout or stderr has
// gone (`... | head`), nothing more can be said, so stop at once, without a stack trace, with
// SIGPIPE's exit code. Any other failure to write (a full disk) is one of "anything else".
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    process.exit(error.code === "EPIPE" ? EXIT.PIPE_CLOSED : EXIT.INTERNAL);
  });
}

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
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
