/**
 * `modelarts-annotations emulator`: runs the local emulator until SIGINT or SIGTERM.
 * It prints the URL, the credentials it accepts and a config context to paste, so a
 * developer can point the client (or the legacy SDK) at it in one step.
 */
import { randomBytes, randomInt } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { extname } from "node:path";
import { parseArgs } from "node:util";
import type { EmulatorCredential, EmulatorHandle, EmulatorJob } from "../emulator/index.js";
import { UsageError } from "./usage.js";

const USAGE = `Usage: modelarts-annotations emulator --obs-root <dir> [options]

Runs a local ModelArts manual-annotation (DataAnnotations) emulator: a real HTTP
server that authenticates like the API gateway (AK/SK signatures, IAM tokens),
validates requests against the OpenAPI spec, and serves jobs whose OBS data is a
folder: obs://bucket/prefix/ is <obs-root>/bucket/prefix/.

Options:
  --obs-root <dir>        Folder whose subfolders are the OBS buckets (required)
  --port <n>              Port to listen on; 0 picks a free one (default 0)
  --host <host>           Address to listen on (default 127.0.0.1)
  --seed <file>           YAML or JSON file with "jobs:" and "credentials:" lists
  --sync-delay-ms <n>     Shortest time a sync stays "syncing" (default 200)
  -h, --help              Show this help

Seed file example:
  jobs:
    - { id: "282", name: cats, data_path: "obs://bucket/cats/", type: 0 }
  credentials:
    - { ak: MY-AK, sk: my-sk }
    - { token: my-token, project_id: my-project }

Without credentials in the seed file, a random AK/SK pair and a token are made
up and printed. Stop with Ctrl+C (SIGINT) or SIGTERM.`;

const HINT = 'Run "modelarts-annotations emulator --help" for usage.';

interface EmulatorArgs {
  port: number;
  host: string | undefined;
  obsRoot: string;
  seed: string | undefined;
  syncDelayMs: number | undefined;
}

function parseNumber(value: string | undefined, option: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > max) throw new UsageError(`${option} must be a whole number from 0 to ${max}, got ${JSON.stringify(value)}`, HINT);
  return Number(value);
}

/** The parsed arguments, or undefined when --help was asked for. */
export function parseEmulatorArgs(argv: readonly string[]): EmulatorArgs | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "obs-root": { type: "string" },
        seed: { type: "string" },
        "sync-delay-ms": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), HINT);
  }
  if (values.help === true) return undefined;
  const port = parseNumber(values.port, "--port", 65535) ?? 0;
  const syncDelayMs = parseNumber(values["sync-delay-ms"], "--sync-delay-ms", 3_600_000);
  if (values.host === "") throw new UsageError("--host must not be empty", HINT);
  const obsRoot = values["obs-root"];
  if (obsRoot === undefined || obsRoot === "") throw new UsageError("--obs-root <dir> is required", HINT);
  return { port, host: values.host, obsRoot, seed: values.seed, syncDelayMs };
}

interface Seed {
  jobs: EmulatorJob[];
  credentials: EmulatorCredential[];
}

async function readSeed(path: string): Promise<Seed> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read seed file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, HINT);
  }
  let raw: unknown;
  try {
    raw = extname(path).toLowerCase() === ".json" ? JSON.parse(text) : (await import("yaml")).parse(text);
  } catch (error) {
    // YAML's messages quote the offending line, which could hold a secret; keep only the position.
    const where = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const position = where === undefined ? "" : ` at line ${where.line}, column ${where.col}`;
    throw new UsageError(`seed file ${path} is not valid ${extname(path).toLowerCase() === ".json" ? "JSON" : "YAML"}${position}`, HINT);
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw new UsageError(`seed file ${path} must be a mapping with "jobs:" and "credentials:"`, HINT);
  const record = raw as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== "jobs" && key !== "credentials");
  if (unknown.length > 0) throw new UsageError(`seed file ${path} has unknown keys: ${unknown.join(", ")} (only jobs and credentials)`, HINT);
  for (const key of ["jobs", "credentials"] as const) {
    if (record[key] !== undefined && record[key] !== null && !Array.isArray(record[key])) {
      throw new UsageError(`seed file ${path}: ${key} must be a list`, HINT);
    }
  }
  return { jobs: (record["jobs"] as EmulatorJob[] | null) ?? [], credentials: (record["credentials"] as EmulatorCredential[] | null) ?? [] };
}

function randomString(length: number, alphabet: string): string {
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join("");
}

const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** Shaped like real Huawei Cloud credentials: a 20-character AK, a 40-character SK. */
function generateCredentials(): { ak: string; sk: string; token: string } {
  return {
    ak: randomString(20, UPPER_DIGITS),
    sk: randomString(40, UPPER_DIGITS + "abcdefghijklmnopqrstuvwxyz"),
    token: `emulator-${randomBytes(24).toString("hex")}`,
  };
}

function describeJob(job: EmulatorJob): string {
  const type = job.type === 1 ? "object detection" : "image classification";
  const project = job.project_id === undefined ? "any project" : `project ${job.project_id}`;
  return `  ${job.id}  ${JSON.stringify(job.name)}  ${job.data_path}  (${type}, ${project})`;
}

function banner(emulator: EmulatorHandle, args: EmulatorArgs, seed: Seed, generated: ReturnType<typeof generateCredentials> | undefined): string {
  const lines = [`ModelArts emulator listening on ${emulator.url}`, `OBS root: ${args.obsRoot} (obs://bucket/prefix/ is <OBS root>/bucket/prefix/)`];
  lines.push(seed.jobs.length === 0 ? "Jobs: none (give some with --seed <file>)" : "Jobs:", ...seed.jobs.map(describeJob));
  const projectId = seed.jobs.find((job) => job.project_id !== undefined)?.project_id ?? "local-project";
  if (generated !== undefined) {
    lines.push(
      "Credentials accepted (made up for this run; this is a local development server, so it prints its own secrets on purpose):",
      `  AK: ${generated.ak}`,
      `  SK: ${generated.sk}`,
      `  Token: ${generated.token}`,
      "Config context, ready to paste into ~/.modelarts/config.yaml:",
      "  current-context: emulator",
      "  contexts:",
      "    - name: emulator",
      `      endpoint: ${emulator.url}`,
      `      project_id: ${projectId}`,
      "      credentials:",
      `        ak: ${generated.ak}`,
      `        sk: ${generated.sk}`,
    );
  } else {
    // Secrets written in a seed file are not echoed: the file already has them.
    lines.push("Credentials accepted (secrets as in the seed file):");
    for (const credential of seed.credentials) {
      lines.push("ak" in credential ? `  AK: ${credential.ak}` : `  Token${credential.project_id === undefined ? "" : ` for project ${credential.project_id}`}`);
    }
    const first = seed.credentials[0];
    lines.push(
      "Config context, ready to paste into ~/.modelarts/config.yaml (fill in the secret from the seed file):",
      "  current-context: emulator",
      "  contexts:",
      "    - name: emulator",
      `      endpoint: ${emulator.url}`,
      `      project_id: ${first?.project_id ?? projectId}`,
      "      credentials:",
      ...(first !== undefined && "ak" in first ? [`        ak: ${first.ak}`, "        sk: <sk from the seed file>"] : ["        token: <token from the seed file>"]),
    );
  }
  lines.push("Press Ctrl+C to stop.");
  return lines.join("\n") + "\n";
}

export async function runEmulatorCommand(argv: readonly string[]): Promise<number> {
  const args = parseEmulatorArgs(argv);
  if (args === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // The library accepts a root that does not exist yet; on the command line it is a typo.
  const root = await stat(args.obsRoot).catch(() => undefined);
  if (root === undefined || !root.isDirectory()) throw new UsageError(`--obs-root ${args.obsRoot} is not an existing folder`, HINT);
  const seed = args.seed === undefined ? { jobs: [], credentials: [] } : await readSeed(args.seed);
  const generated = seed.credentials.length === 0 ? generateCredentials() : undefined;
  const credentials: EmulatorCredential[] =
    generated === undefined ? seed.credentials : [{ ak: generated.ak, sk: generated.sk }, { token: generated.token }];

  const { startEmulator } = await import("../emulator/index.js");
  let emulator: EmulatorHandle;
  try {
    emulator = await startEmulator({
      port: args.port,
      ...(args.host === undefined ? {} : { host: args.host }),
      obsRoot: args.obsRoot,
      jobs: seed.jobs,
      credentials,
      ...(args.syncDelayMs === undefined ? {} : { syncDelayMs: args.syncDelayMs }),
      logger: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
    });
  } catch (error) {
    // Option problems are the command line's or the seed file's: usage errors, exit 2.
    if (error instanceof TypeError && error.message.startsWith("startEmulator: ")) {
      const where = args.seed === undefined ? "" : ` (seed file ${args.seed})`;
      const problem = error.message.slice("startEmulator: ".length).replace(/^obsRoot /, "--obs-root ");
      throw new UsageError(`invalid emulator configuration${where}: ${problem}`, HINT);
    }
    throw error;
  }
  process.stdout.write(banner(emulator, args, seed, generated));

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second signal means the user does not want to wait for the clean shutdown.
        process.exit(130);
      }
      stopping = true;
      process.stdout.write(`Received ${signal}, stopping...\n`);
      emulator.close().then(
        () => {
          process.stdout.write("Emulator stopped.\n");
          resolve(0);
        },
        (error: unknown) => {
          process.stderr.write(`error while stopping: ${String(error)}\n`);
          resolve(1);
        },
      );
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
