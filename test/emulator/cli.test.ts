/**
 * The `emulator` command as a user runs it (`tsx src/cli/main.ts emulator ...`, what
 * `npm run emulator` does): it prints a URL and credentials that work, and stops
 * cleanly on SIGTERM. tsx's CLI is started with this Node directly rather than through
 * npx, which adds a second of start-up and another process for signals to cross.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
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

function runCli(args: string[]): Run {
  const child = spawn(process.execPath, [TSX_CLI, "src/cli/main.ts", ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
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

describe("modelarts-annotations emulator", () => {
  let obs: TempObsRoot;
  let running: Run | undefined;
  beforeEach(async () => {
    obs = await TempObsRoot.create({ "bucket/cats/a.png": tinyPng() });
  });
  afterEach(async () => {
    if (running !== undefined && running.child.exitCode === null) running.child.kill("SIGKILL");
    running = undefined;
    await obs.dispose();
  });

  test("prints its URL and credentials, answers a signed request made with them, and exits cleanly on SIGTERM", async () => {
    running = runCli(["emulator", "--port", "0", "--obs-root", obs.path]);
    await waitForOutput(running, /Press Ctrl\+C to stop\./);
    const output = running.stdout();
    const url = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    const ak = output.match(/^ {2}AK: (\S+)$/m)?.[1];
    const sk = output.match(/^ {2}SK: (\S+)$/m)?.[1];
    const token = output.match(/^ {2}Token: (\S+)$/m)?.[1];
    expect([url, ak, sk, token].every((v) => v !== undefined)).toBe(true);
    expect(output).toContain("local development server");
    expect(output).toContain(`endpoint: ${url}`);

    const contract = new ContractRecorder();
    const client = createApiClient({ baseUrl: url as string, credentials: { ak: ak as string, sk: sk as string }, fetch: contract.fetch });
    // No jobs were seeded: past the gateway, the service says the job does not exist.
    const signed = await client.GET(API.syncStatus, { params: { path: { project_id: "local-project", data_annotation_id: "1" } } });
    expect([signed.response.status, signed.error?.error_code]).toEqual([400, "ModelArts.4338"]);
    const byToken = await createApiClient({ baseUrl: url as string, credentials: { token: token as string }, fetch: contract.fetch }).GET(API.tags, {
      params: { path: { project_id: "local-project", data_annotation_id: "1" } },
    });
    expect(byToken.response.status).toBe(400);
    await contract.assertNoViolations();

    running.child.kill("SIGTERM");
    const { code } = await running.exit;
    expect(code).toBe(0);
    expect(running.stdout()).toContain("Emulator stopped.");
  });

  test("serves the jobs and credentials of a seed file", async () => {
    const seed = `${obs.path}/seed.yaml`;
    await obs.put({
      "seed.yaml": [
        "jobs:",
        '  - { id: "282", name: cats, data_path: "obs://bucket/cats/", project_id: my-project }',
        "credentials:",
        "  - { ak: SEEDACCESSKEY0000001, sk: seed-secret-key }",
      ].join("\n"),
    });
    running = runCli(["emulator", "--obs-root", obs.path, "--seed", seed, "--sync-delay-ms", "0"]);
    await waitForOutput(running, /Press Ctrl\+C to stop\./);
    const url = running.stdout().match(/listening on (http:\/\/\S+)/)?.[1] as string;
    expect(running.stdout()).toContain('282  "cats"  obs://bucket/cats/');
    expect(running.stdout()).not.toContain("seed-secret-key");

    const contract = new ContractRecorder();
    const client = createApiClient({ baseUrl: url, credentials: { ak: "SEEDACCESSKEY0000001", sk: "seed-secret-key" }, fetch: contract.fetch });
    const path = { project_id: "my-project", data_annotation_id: "282" };
    expect((await client.POST(API.sync, { params: { path } })).response.status).toBe(202);
    let status: number | undefined;
    for (let i = 0; i < 200 && status !== 1; i++) status = (await client.GET(API.syncStatus, { params: { path } })).data?.sync_status;
    expect(status).toBe(1);
    expect((await client.GET(API.images, { params: { path, query: { tag_name: "__none__" } } })).data?.total).toBe(1);
    await contract.assertNoViolations();

    running.child.kill("SIGINT");
    expect((await running.exit).code).toBe(0);
  });

  test("--help prints usage and exits 0", async () => {
    const run = runCli(["emulator", "--help"]);
    const { code } = await run.exit;
    expect(code).toBe(0);
    expect(run.stdout()).toContain("Usage: modelarts-annotations emulator --obs-root <dir>");
    expect(run.stdout()).toContain("--seed <file>");
  });

  test.each([
    [["emulator", "--port", "0", "--obs-root", "/tmp", "--bogus"], "Unknown option '--bogus'"],
    [["emulator", "--port", "http"], "--port must be a whole number"],
    [["emulator", "--port", "0"], "--obs-root <dir> is required"],
    [["emulator", "--obs-root", "/definitely/not/here"], "--obs-root"],
    [["frobnicate"], 'unknown command "frobnicate"'],
  ])("bad arguments %j print a clear error and exit 2", { concurrent: true }, async (args, message) => {
    const run = runCli(args);
    const { code } = await run.exit;
    expect(code).toBe(2);
    expect(run.stderr()).toContain(message);
    expect(run.stderr()).toContain("--help");
  });
});
