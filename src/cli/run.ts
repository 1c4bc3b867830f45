/**
 * `modelarts-annotations` once main.ts has found no precomputed answer: the full program. See
 * program.ts for the commands and exit-codes.ts for what the exit status means.
 */
import { CommanderError } from "commander";
import { PACKAGE_VERSION } from "../../generated/version.js";
import { EXIT } from "./exit-codes.js";
import type { CliIo } from "./output.js";
import { buildProgram, suggestCommands, withoutOptionValues } from "./program.js";
import { UsageError } from "./usage.js";

/** Runs the command line `argv` (without node and the script) and resolves to its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.OK;
  // Fixed at build time (generated/version.ts), so the CLI reads no package.json when it runs.
  const program = buildProgram(io, PACKAGE_VERSION, async (pending) => {
    code = await pending;
  });
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.USAGE;
  }
  // The emulator parses its own options, so its real usage is what "emulator --help" prints.
  if (argv[0] === "help" && argv[1] === "emulator") argv = ["emulator", "--help"];
  // The same for call, whose operations are its own subcommands: "help call sync_obs" too.
  if (argv[0] === "help" && argv[1] === "call") argv = ["call", ...argv.slice(2, 3), "--help"];
  const typed = argv[0]!;
  const names = program.commands.map((command) => command.name());
  if (!typed.startsWith("-") && typed !== "help" && !names.includes(typed)) {
    const error_msg = `unknown command '${typed}'`;
    if (argv.includes("--json")) writeUsageJson(io, error_msg);
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
        writeUsageJson(io, withoutOptionValues(error.message.replace(/^error: /, "")));
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

/** The --json document of a usage error, which the command line promises on stdout whatever went wrong. */
function writeUsageJson(io: CliIo, error_msg: string): void {
  io.stdout.write(`${JSON.stringify({ is_success: false, error_code: "USAGE", error_msg }, null, 2)}\n`);
}
