#!/usr/bin/env node
/**
 * `modelarts-annotations`: the package's command line. Only argument handling is
 * loaded up front; each command's module (and the emulator behind it) is imported
 * once the arguments are known to be good, so `--help` and typos answer at once.
 */
import { UsageError } from "./usage.js";

const USAGE = `Usage: modelarts-annotations <command> [options]

Commands:
  emulator    Run a local ModelArts manual-annotation emulator on loopback

Run "modelarts-annotations <command> --help" for a command's options.`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === "emulator") {
    const { runEmulatorCommand } = await import("./emulator.js");
    return runEmulatorCommand(rest);
  }
  throw new UsageError(`unknown command ${JSON.stringify(command)}`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`modelarts-annotations: ${error.message}\n${error.hint}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`modelarts-annotations: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
