/**
 * Runs `modelarts-annotations` as a user does: a child process running the compiled bin (see
 * test/support/compile.ts), with its own environment, stdin, stdout and stderr, and an exit code.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compiledDir } from "../support/compile.js";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
/** The command line that runs the CLI: Node and the compiled bin. */
export const CLI_COMMAND: readonly string[] = [process.execPath, join(compiledDir(), "src/cli/main.cjs")];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** The whole environment of the child: nothing is inherited but PATH, so a developer's own HUAWEICLOUD_SDK_* cannot leak in. */
  env?: Record<string, string>;
  /** Written to stdin, which is then closed. */
  input?: string;
}

/** A started child and its outcome; stdout and stderr are collected as text. */
export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  done: Promise<CliRun>;
}

/** Starts a command with only PATH inherited (plus `env`); for tests that signal or feed it while it runs. */
export function start(command: string, args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(command, args, { cwd: REPO, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

/** Starts the CLI; see `start`. */
export function startCli(args: readonly string[], env: Record<string, string> = {}): CliProcess {
  return start(CLI_COMMAND[0]!, [...CLI_COMMAND.slice(1), ...args], env);
}

export function cli(args: readonly string[], { env = {}, input = "" }: CliRunOptions = {}): Promise<CliRun> {
  const run = startCli(args, env);
  run.child.stdin.end(input);
  return run.done;
}

/** The one JSON document a --json run prints; fails the test if stdout holds anything else. */
export function jsonOf(run: CliRun): Record<string, unknown> {
  try {
    return JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

/**
 * A shell pipeline, as the README writes them: `$CLI` in `script` is the command line; the
 * pipes are real, so what one command prints is what the next one reads.
 */
export function pipeline(script: string, { env = {} }: Pick<CliRunOptions, "env"> = {}): Promise<CliRun> {
  const command = CLI_COMMAND.map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" ");
  const run = start("sh", ["-c", `set -e\n${script}`], { CLI: command, NODE: process.execPath, ...env });
  run.child.stdin.end();
  return run.done;
}
