/**
 * `modelarts-annotations emulator`: runs the local emulator until SIGINT, SIGTERM or
 * SIGHUP (SIGBREAK too on Windows).
 * It writes the credentials it accepts into a config file (mode 0600) that the client
 * reads through MODELARTS_CONFIG, and prints the URL, the AKs and that file's path:
 * no SK or token is ever printed, since this output ends up in CI logs.
 */
import { randomBytes, randomInt } from "node:crypto";
import { rmSync } from "node:fs";
import { lstat, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { constants, tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Secret } from "../index.node.js";
import type { EmulatorAnnotationJob, EmulatorCredential, EmulatorHandle, EmulatorJob } from "../emulator/index.js";
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
  --seed <file>           YAML or JSON file with "jobs:", "annotation_jobs:" and
                          "credentials:" lists
  --sync-delay-ms <n>     Shortest time a sync stays "syncing" (default 200)
  --cors-origin <origin>  Let web pages of this origin (e.g. http://127.0.0.1:8080)
                          call the emulator from a browser: answers CORS preflights
                          and adds Access-Control-Allow-Origin for that origin only
  --write-config <file>   Write the client config file here (never over an existing
                          file) and keep it; by default it goes to a fresh temp
                          folder that is removed on exit
  -h, --help              Show this help

Seed file example:
  jobs:
    - { id: "282", name: cats, data_path: "obs://bucket/cats/", type: 0 }
  annotation_jobs:   # for validation --job-id: a UUID over one of the jobs
    - { id: 062ef90a-da4d-4af4-82ba-1523da57e78e, data_annotation_id: "282" }
  credentials:
    - { ak: MY-AK, sk: my-sk }
    - { token: my-token, project_id: my-project }

Without credentials in the seed file, a random AK/SK pair and a token are made
up. Either way the accepted credentials go into a config file (mode 0600) with
the contexts "emulator" (AK/SK) and "emulator-token" (token); the command prints
its path and the AKs, never an SK or token. Point the client at the file with
  export MODELARTS_CONFIG=<printed path>
Stop with Ctrl+C (SIGINT), SIGTERM or SIGHUP (closing the terminal); the temp
config file is removed then. SIGKILL (kill -9) cannot be caught: it leaves the
file and its folder behind, so delete them yourself.`;

/** SIGBREAK (Ctrl+Break) exists on Windows only. */
const STOP_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", ...(Object.hasOwn(constants.signals, "SIGBREAK") ? (["SIGBREAK"] as const) : [])];

const HINT = 'Run "modelarts-annotations emulator --help" for usage.';

interface EmulatorArgs {
  port: number;
  host: string | undefined;
  obsRoot: string;
  seed: string | undefined;
  syncDelayMs: number | undefined;
  writeConfig: string | undefined;
  corsOrigin: string | undefined;
}

function parseNumber(value: string | undefined, option: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > max) throw new UsageError(`${option} must be a whole number from 0 to ${max}, got ${JSON.stringify(value)}`, HINT);
  return Number(value);
}

/** The parsed arguments, or undefined when --help was asked for. */
function parseEmulatorArgs(argv: readonly string[]): EmulatorArgs | undefined {
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
        "write-config": { type: "string" },
        "cors-origin": { type: "string" },
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
  const writeConfig = values["write-config"];
  if (writeConfig === "") throw new UsageError("--write-config must not be empty", HINT);
  return { port, host: values.host, obsRoot, seed: values.seed, syncDelayMs, writeConfig, corsOrigin: values["cors-origin"] };
}

interface Seed {
  jobs: EmulatorJob[];
  annotationJobs: EmulatorAnnotationJob[];
  credentials: EmulatorCredential[];
}

const SEED_KEYS = ["jobs", "annotation_jobs", "credentials"] as const;
const EMPTY_SEED: Seed = { jobs: [], annotationJobs: [], credentials: [] };

function parseSeedJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse quotes the text around the mistake, which could hold a secret.
    throw new UsageError(`seed file ${path} is not valid JSON`, HINT);
  }
}

/**
 * The YAML of a seed file. The yaml package's messages quote the offending line, and
 * its parse() hands warnings (an unknown tag on an SK, say) to process.emitWarning with
 * that line; so warnings are refused like errors, and either is reported by position
 * and code only.
 */
async function parseSeedYaml(path: string, text: string): Promise<unknown> {
  const { parseDocument } = await import("yaml");
  const doc = parseDocument(text);
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) {
    const where = problem.linePos?.[0];
    const position = where === undefined ? "" : ` at line ${where.line}, column ${where.col}`;
    throw new UsageError(`seed file ${path} is not valid YAML${position} (${problem.code})`, HINT);
  }
  try {
    return doc.toJS();
  } catch {
    // An alias without its anchor, or too many aliases; the message names the alias, which could be anything.
    throw new UsageError(`seed file ${path} is not valid YAML: an alias cannot be resolved`, HINT);
  }
}

async function readSeed(path: string): Promise<Seed> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read seed file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, HINT);
  }
  const raw = extname(path).toLowerCase() === ".json" ? parseSeedJson(path, text) : await parseSeedYaml(path, text);
  if (raw === null || raw === undefined) return EMPTY_SEED;
  if (typeof raw !== "object" || Array.isArray(raw)) throw new UsageError(`seed file ${path} must be a mapping with "jobs:" and "credentials:"`, HINT);
  const record = raw as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !(SEED_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new UsageError(`seed file ${path} has unknown keys: ${unknown.join(", ")} (only ${SEED_KEYS.join(", ")})`, HINT);
  for (const key of SEED_KEYS) {
    if (record[key] !== undefined && record[key] !== null && !Array.isArray(record[key])) {
      throw new UsageError(`seed file ${path}: ${key} must be a list`, HINT);
    }
  }
  return {
    jobs: (record["jobs"] as EmulatorJob[] | null) ?? [],
    annotationJobs: (record["annotation_jobs"] as EmulatorAnnotationJob[] | null) ?? [],
    credentials: (record["credentials"] as EmulatorCredential[] | null) ?? [],
  };
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

function describeJob(job: EmulatorJob, typeNames: Readonly<Record<number, string>>): string {
  const type = typeNames[job.type ?? 0] ?? `type ${job.type}`;
  const project = job.project_id === undefined ? "any project" : `project ${job.project_id}`;
  return `  ${job.id}  ${JSON.stringify(job.name)}  ${job.data_path}  (${type}, ${project})`;
}

const REGION = "cn-north-4";
const DEFAULT_PROJECT_ID = "local-project";

const reveal = (value: string | Secret): string => (typeof value === "string" ? value : value.reveal());

interface ConfigContext {
  name: string;
  region: string;
  endpoint: string;
  project_id: string;
  credentials: { ak: string; sk: string; security_token?: string } | { token: string };
}

/**
 * The contexts of the client config file: "emulator" with the first AK/SK pair
 * the emulator accepts, "emulator-token" with the first token, each bound to the
 * credential's project or else the first seeded job's.
 */
function configContexts(url: string, credentials: readonly EmulatorCredential[], jobs: readonly EmulatorJob[]): ConfigContext[] {
  const jobProject = jobs.find((job) => job.project_id !== undefined)?.project_id ?? DEFAULT_PROJECT_ID;
  const contexts: ConfigContext[] = [];
  const key = credentials.find((c) => "ak" in c);
  if (key !== undefined && "ak" in key) {
    contexts.push({
      name: "emulator",
      region: REGION,
      endpoint: url,
      project_id: key.project_id ?? jobProject,
      credentials: { ak: key.ak, sk: reveal(key.sk), ...(key.security_token === undefined ? {} : { security_token: reveal(key.security_token) }) },
    });
  }
  const token = credentials.find((c) => "token" in c);
  if (token !== undefined && "token" in token) {
    contexts.push({ name: "emulator-token", region: REGION, endpoint: url, project_id: token.project_id ?? jobProject, credentials: { token: reveal(token.token) } });
  }
  return contexts;
}

/** A path a shell reads back as itself. */
const shellQuote = (value: string): string => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`);

interface ConfigTarget {
  path: string;
  /** The temp folder the command made for the file, removed on exit; undefined for --write-config. */
  tempDir: string | undefined;
}

async function configTarget(args: EmulatorArgs): Promise<ConfigTarget> {
  if (args.writeConfig === undefined) {
    const tempDir = await mkdtemp(join(tmpdir(), "modelarts-emulator-"));
    return { path: join(tempDir, "config.yaml"), tempDir };
  }
  const path = resolve(args.writeConfig);
  // Checked up front for a quick answer; the write itself refuses too (flag "wx"), should the file appear meanwhile.
  if (await lstat(path).then(() => true, () => false)) throw new UsageError(`--write-config ${path} already exists; refusing to overwrite it`, HINT);
  return { path, tempDir: undefined };
}

async function writeConfigFile(target: ConfigTarget, text: string): Promise<void> {
  try {
    await writeFile(target.path, text, { encoding: "utf8", mode: 0o600, flag: "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if (code === "EEXIST") throw new UsageError(`--write-config ${target.path} already exists; refusing to overwrite it`, HINT);
    throw new UsageError(`cannot write the config file ${target.path}: ${code}`, HINT);
  }
}

function banner(
  emulator: EmulatorHandle,
  args: EmulatorArgs,
  seed: Seed,
  credentials: readonly EmulatorCredential[],
  target: ConfigTarget,
  contexts: readonly ConfigContext[],
  typeNames: Readonly<Record<number, string>>,
): string {
  const lines = [`ModelArts emulator listening on ${emulator.url}`, `OBS root: ${args.obsRoot} (obs://bucket/prefix/ is <OBS root>/bucket/prefix/)`];
  if (args.corsOrigin !== undefined) lines.push(`CORS: pages of ${args.corsOrigin} may call it from a browser`);
  lines.push(seed.jobs.length === 0 ? "Jobs: none (give some with --seed <file>)" : "Jobs:", ...seed.jobs.map((job) => describeJob(job, typeNames)));
  if (seed.annotationJobs.length > 0) lines.push("Annotation jobs (validation --job-id):", ...seed.annotationJobs.map((job) => `  ${job.id}  validates job ${job.data_annotation_id}`));
  // AKs identify a key and may be shown; SKs, security tokens and IAM tokens never are.
  lines.push(seed.credentials.length === 0 ? "Credentials accepted (made up for this run; the secrets are only in the config file):" : "Credentials accepted (from the seed file; the secrets are not shown):");
  for (const credential of credentials) {
    const project = credential.project_id === undefined ? "" : ` for project ${credential.project_id}`;
    if ("ak" in credential) lines.push(`  AK: ${credential.ak}${credential.security_token === undefined ? "" : " (temporary, with a security token)"}${project}`);
    else lines.push(`  Token: one IAM token${project}`); // its existence, never its value
  }
  lines.push(
    `Config file (mode 0600${target.tempDir === undefined ? "" : ", removed on exit"}): ${target.path}`,
    `Contexts: ${contexts.map((c, i) => `${c.name} (${"token" in c.credentials ? "token" : "AK/SK"}${i === 0 ? ", current" : ""})`).join(", ")}. Point the client at it with:`,
    `  export MODELARTS_CONFIG=${shellQuote(target.path)}`,
    "Press Ctrl+C to stop.",
  );
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
  const seed = args.seed === undefined ? EMPTY_SEED : await readSeed(args.seed);
  const generated = seed.credentials.length === 0 ? generateCredentials() : undefined;
  const credentials: EmulatorCredential[] =
    generated === undefined ? seed.credentials : [{ ak: generated.ak, sk: generated.sk }, { token: generated.token }];

  const target = await configTarget(args);
  // Registered at once, so the temp folder goes however the process exits (process.exit and
  // uncaught errors included). A signal Node does not handle skips "exit": see STOP_SIGNALS.
  const removeTempDir = () => {
    if (target.tempDir !== undefined) rmSync(target.tempDir, { recursive: true, force: true });
  };
  process.on("exit", removeTempDir);

  const [{ startEmulator, JOB_TYPE_NAMES }, { stringify }] = await Promise.all([import("../emulator/index.js"), import("yaml")]);
  let emulator: EmulatorHandle;
  try {
    emulator = await startEmulator({
      port: args.port,
      ...(args.host === undefined ? {} : { host: args.host }),
      obsRoot: args.obsRoot,
      jobs: seed.jobs,
      annotationJobs: seed.annotationJobs,
      credentials,
      ...(args.syncDelayMs === undefined ? {} : { syncDelayMs: args.syncDelayMs }),
      ...(args.corsOrigin === undefined ? {} : { cors: { origin: args.corsOrigin } }),
      logger: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
    });
  } catch (error) {
    removeTempDir();
    // Option problems are the command line's or the seed file's: usage errors, exit 2.
    if (error instanceof TypeError && error.message.startsWith("startEmulator: ")) {
      const where = args.seed === undefined ? "" : ` (seed file ${args.seed})`;
      const problem = error.message.slice("startEmulator: ".length).replace(/^obsRoot /, "--obs-root ").replace(/^cors\.origin /, "--cors-origin ");
      throw new UsageError(`invalid emulator configuration${where}: ${problem}`, HINT);
    }
    throw error;
  }
  const contexts = configContexts(emulator.url, credentials, seed.jobs);
  try {
    await writeConfigFile(target, stringify({ "current-context": contexts[0]?.name, contexts }));
  } catch (error) {
    await emulator.close();
    removeTempDir();
    throw error;
  }
  process.stdout.write(banner(emulator, args, seed, credentials, target, contexts, JOB_TYPE_NAMES));

  return new Promise<number>((resolvePromise) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second signal means the user does not want to wait for the clean shutdown:
        // exit as the shell reports death by that signal (130 for SIGINT, 143 for SIGTERM).
        process.exit(128 + constants.signals[signal]);
      }
      stopping = true;
      process.stdout.write(`Received ${signal}, stopping...\n`);
      const done = (code: number) => {
        removeTempDir();
        resolvePromise(code);
      };
      emulator.close().then(
        () => {
          process.stdout.write("Emulator stopped.\n");
          done(0);
        },
        (error: unknown) => {
          process.stderr.write(`error while stopping: ${String(error)}\n`);
          done(1);
        },
      );
    };
    // Killed by a signal it does not handle, Node runs no "exit" listener, so every
    // signal that ends the command in normal use stops it this way. SIGKILL cannot be caught.
    for (const signal of STOP_SIGNALS) process.on(signal, stop);
  });
}
