/**
 * The `emulator` command as a user runs it (`tsx src/cli/main.ts emulator ...`, what
 * `npm run emulator` does): it writes a config file holding credentials that work,
 * prints where that file is but never a secret, and stops cleanly (removing a temp config
 * file) on SIGTERM, SIGINT and SIGHUP. tsx's
 * CLI is started with this Node directly rather than through npx, which adds a second
 * of start-up and another process for signals to cross.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { createClient, DataAnnotationsApi } from "../../src/index.node.js";
import { API, createApiClient } from "../support/client.js";
import { ContractRecorder } from "../support/contract.js";
import { TempObsRoot, tinyPng } from "../support/images.js";

const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");
const REPO = fileURLToPath(new URL("../..", import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `detached` puts the command in a process group of its own, led by tsx's CLI, as a shell job is. */
function runCli(args: string[], { detached = false } = {}): Run {
  const child = spawn(process.execPath, [TSX_CLI, "src/cli/main.ts", ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"], detached });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function waitForOutput(run: Run, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = run.stdout().match(pattern);
    if (match !== null) return match;
    if (run.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`no ${pattern} in the output:\n${run.stdout()}\n${run.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface ConfigFile {
  "current-context": string;
  contexts: { name: string; region: string; endpoint: string; project_id: string; credentials: { ak?: string; sk?: string; token?: string } }[];
}

/** The printed URL, the config file path from the printed export line, and the file's contents. */
async function started(run: Run): Promise<{ url: string; configPath: string; config: ConfigFile }> {
  await waitForOutput(run, /Press Ctrl\+C to stop\./);
  const url = run.stdout().match(/listening on (http:\/\/\S+)/)?.[1];
  const configPath = run.stdout().match(/^ {2}export MODELARTS_CONFIG=(\S+)$/m)?.[1];
  if (url === undefined || configPath === undefined) throw new Error(`no URL or config path in the output:\n${run.stdout()}`);
  expect((await stat(configPath)).mode & 0o777).toBe(0o600);
  return { url, configPath, config: parse(await readFile(configPath, "utf8")) as ConfigFile };
}

function context(config: ConfigFile, name: string): ConfigFile["contexts"][number] {
  const found = config.contexts.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no context ${name} in ${JSON.stringify(config.contexts.map((c) => c.name))}`);
  return found;
}

describe("modelarts-annotations emulator", () => {
  let obs: TempObsRoot;
  let running: Run | undefined;
  beforeEach(async () => {
    obs = await TempObsRoot.create({ "bucket/cats/a.png": tinyPng() });
  });
  afterEach(async () => {
    // SIGTERM first: tsx's CLI relays it to the process running the command, which a
    // SIGKILL of tsx would leave running (and its temp config file behind).
    const left = running;
    running = undefined;
    if (left !== undefined && left.child.exitCode === null && left.child.signalCode === null) {
      left.child.kill("SIGTERM");
      const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5_000).unref());
      if ((await Promise.race([left.exit, timeout])) === "timeout") left.child.kill("SIGKILL");
    }
    await obs.dispose();
  });

  test("writes its credentials to a 0600 config file that works, prints only its path and the AK, and removes it on SIGTERM", async () => {
    running = runCli(["emulator", "--port", "0", "--obs-root", obs.path]);
    const { url, configPath, config } = await started(running);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const keyContext = context(config, "emulator");
    const tokenContext = context(config, "emulator-token");
    expect(config["current-context"]).toBe("emulator");
    expect(keyContext).toMatchObject({ region: "cn-north-4", endpoint: url });
    expect(tokenContext).toMatchObject({ region: "cn-north-4", endpoint: url });
    const { ak, sk } = keyContext.credentials;
    const { token } = tokenContext.credentials;
    expect([ak, sk, token].every((v) => typeof v === "string" && v !== "")).toBe(true);

    const contract = new ContractRecorder();
    const client = createApiClient({ baseUrl: url, credentials: { ak: ak as string, sk: sk as string }, fetch: contract.fetch });
    // No jobs were seeded: past the gateway, the service says the job does not exist.
    const path = { project_id: keyContext.project_id, data_annotation_id: "1" };
    const signed = await client.GET(API.syncStatus, { params: { path } });
    expect([signed.response.status, signed.error?.error_code]).toEqual([400, "ModelArts.4338"]);
    const byToken = await createApiClient({ baseUrl: url, credentials: { token: token as string }, fetch: contract.fetch }).GET(API.tags, { params: { path } });
    expect([byToken.response.status, byToken.error?.error_code]).toEqual([400, "ModelArts.4338"]);
    // The file is what the public client reads through MODELARTS_CONFIG, in either context.
    for (const name of [undefined, "emulator-token"]) {
      const das = new DataAnnotationsApi(createClient({ ...(name === undefined ? {} : { context: name }), env: { MODELARTS_CONFIG: configPath }, fetch: contract.fetch }));
      expect(await das.sync_obs_status({ data_annotation_id: "1" })).toMatchObject({ is_success: false, error_code: "ModelArts.4338", http_status: 400 });
    }
    await contract.assertNoViolations();

    const output = running.stdout();
    expect(output).toContain(`AK: ${ak}`);
    expect(output).not.toContain(sk);
    expect(output).not.toContain(token);

    running.child.kill("SIGTERM");
    const { code } = await running.exit;
    expect(code).toBe(0);
    expect(running.stdout()).toContain("Emulator stopped.");
    expect(running.stdout()).not.toContain(sk);
    expect(running.stdout()).not.toContain(token);
    expect(running.stderr()).not.toContain(sk);
    expect(existsSync(dirname(configPath))).toBe(false);
  });

  test("serves the jobs and credentials of a seed file, prints no seeded secret, and --write-config keeps the file and never overwrites one", async () => {
    const seed = `${obs.path}/seed.yaml`;
    await obs.put({
      "seed.yaml": [
        "jobs:",
        '  - { id: "282", name: cats, data_path: "obs://bucket/cats/", project_id: my-project }',
        "credentials:",
        "  - { ak: SEEDACCESSKEY0000001, sk: seed-secret-key }",
        "  - { token: seed-iam-token, project_id: my-project }",
      ].join("\n"),
    });
    const written = `${obs.path}/config.yaml`;
    running = runCli(["emulator", "--obs-root", obs.path, "--seed", seed, "--sync-delay-ms", "0", "--write-config", written]);
    const { url, configPath, config } = await started(running);
    expect(configPath).toBe(written);
    expect(running.stdout()).toContain('282  "cats"  obs://bucket/cats/');
    expect(running.stdout()).toContain("AK: SEEDACCESSKEY0000001");
    expect(running.stdout()).not.toContain("seed-secret-key");
    expect(running.stdout()).not.toContain("seed-iam-token");
    expect(context(config, "emulator")).toMatchObject({ project_id: "my-project", credentials: { ak: "SEEDACCESSKEY0000001", sk: "seed-secret-key" } });
    expect(context(config, "emulator-token")).toMatchObject({ project_id: "my-project", credentials: { token: "seed-iam-token" } });

    const contract = new ContractRecorder();
    const { ak, sk } = context(config, "emulator").credentials;
    const client = createApiClient({ baseUrl: url, credentials: { ak: ak as string, sk: sk as string }, fetch: contract.fetch });
    const path = { project_id: "my-project", data_annotation_id: "282" };
    expect((await client.POST(API.sync, { params: { path } })).response.status).toBe(202);
    let status: number | undefined;
    for (let i = 0; i < 200 && status !== 1; i++) status = (await client.GET(API.syncStatus, { params: { path } })).data?.sync_status;
    expect(status).toBe(1);
    expect((await client.GET(API.images, { params: { path, query: { tag_name: "__none__" } } })).data?.total).toBe(1);
    await contract.assertNoViolations();

    running.child.kill("SIGINT");
    expect((await running.exit).code).toBe(0);
    expect(existsSync(written)).toBe(true);

    const again = runCli(["emulator", "--obs-root", obs.path, "--seed", seed, "--write-config", written]);
    expect((await again.exit).code).toBe(2);
    expect(again.stderr()).toContain(`--write-config ${written} already exists; refusing to overwrite it`);
    expect(parse(await readFile(written, "utf8"))).toEqual(config);
  });

  // A closed terminal sends SIGHUP to the whole foreground process group: here tsx's CLI
  // (which relays only SIGINT and SIGTERM, and dies of SIGHUP) and the Node process
  // running the command. Node runs no "exit" listener when a signal it does not handle
  // ends the process, so without its own SIGHUP handler the config file would stay.
  test("removes the config file when its terminal hangs up (SIGHUP to the process group)", async () => {
    const run = runCli(["emulator", "--obs-root", obs.path], { detached: true });
    const group = run.child.pid as number;
    const closed = new Promise((resolve) => run.child.once("close", resolve)); // every holder of the pipes, the command included, is gone
    try {
      const { configPath } = await started(run);
      expect(existsSync(configPath)).toBe(true);
      process.kill(-group, "SIGHUP");
      await closed;
      expect(run.stdout()).toContain("Received SIGHUP, stopping...");
      expect(run.stdout()).toContain("Emulator stopped.");
      expect(existsSync(dirname(configPath))).toBe(false);
    } finally {
      try {
        process.kill(-group, "SIGKILL");
      } catch {
        // the group is gone already
      }
    }
  });

  test("a YAML warning in the seed file (an unknown tag on an SK) is refused by position, without quoting the line", async () => {
    const seed = `${obs.path}/seed.yaml`;
    const secret = "my-very-secret-sk-0001";
    await obs.put({ "seed.yaml": ["jobs: []", "credentials:", `  - { ak: SEEDACCESSKEY0000001, sk: !foo ${secret} }`].join("\n") });
    const run = (running = runCli(["emulator", "--obs-root", obs.path, "--seed", seed]));
    // Should it start after all, fail at once rather than wait for the test's timeout.
    const code = await Promise.race([run.exit.then((exit) => exit.code), waitForOutput(run, /Press Ctrl\+C to stop\./).then(() => "started")]);
    expect(code).toBe(2);
    expect(run.stderr()).toContain(`seed file ${seed} is not valid YAML at line 3, column 37 (TAG_RESOLVE_FAILED)`);
    for (const output of [run.stdout(), run.stderr()]) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain("!foo");
    }
  });

  test.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)("a second %s during the shutdown exits at once with %i, and still removes the config file", async (signal, exitCode) => {
    running = runCli(["emulator", "--obs-root", obs.path]);
    const { url, configPath, config } = await started(running);
    // A request whose body never comes keeps the clean shutdown waiting. It carries the emulator's
    // token: an unauthenticated one would be answered at once, before its body.
    const token = (context(config, "emulator-token").credentials as { token: string }).token;
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.on("error", () => {});
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(`POST /v1/local-project/data-annotations/1/tags/show HTTP/1.1\r\nHost: ${hostname}\r\nX-Auth-Token: ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      running.child.kill(signal);
      await waitForOutput(running, new RegExp(`Received ${signal}, stopping`));
      running.child.kill(signal);
      const { code } = await running.exit;
      expect(code).toBe(exitCode);
      expect(running.stdout()).not.toContain("Emulator stopped.");
      expect(existsSync(dirname(configPath))).toBe(false);
    } finally {
      socket.destroy();
    }
  });

  test("--help prints usage and exits 0", async () => {
    const run = runCli(["emulator", "--help"]);
    const { code } = await run.exit;
    expect(code).toBe(0);
    expect(run.stdout()).toContain("Usage: modelarts-annotations emulator --obs-root <dir>");
    expect(run.stdout()).toContain("--seed <file>");
    expect(run.stdout()).toContain("SIGKILL (kill -9) cannot be caught: it leaves the\nfile and its folder behind");
  });

  test.each([
    [["emulator", "--port", "0", "--obs-root", "/tmp", "--bogus"], "Unknown option '--bogus'"],
    [["emulator", "--port", "http"], "--port must be a whole number"],
    [["emulator", "--port", "0"], "--obs-root <dir> is required"],
    [["emulator", "--obs-root", "/tmp", "--write-config", ""], "--write-config must not be empty"],
    [["emulator", "--obs-root", "/definitely/not/here"], "--obs-root"],
    [["frobnicate"], "unknown command 'frobnicate'"],
  ])("bad arguments %j print a clear error and exit 2", { concurrent: true }, async (args, message) => {
    const run = runCli(args);
    const { code } = await run.exit;
    expect(code).toBe(2);
    expect(run.stderr()).toContain(message);
    expect(run.stderr()).toContain("--help");
  });
});
