/**
 * `sync-obs --wait` on a sync that outlasts the wait: --timeout gives exit 3 with the last
 * status seen, and Ctrl+C (SIGINT) stops the wait with exit 130. The emulator keeps each
 * sync running for a minute here.
 */
import { spawn } from "node:child_process";
import { expect, test } from "vitest";
import { useCliEmulator } from "./fixture.js";
import { CLI_COMMAND, jsonOf, REPO } from "./run.js";

const cli = useCliEmulator({ syncDelayMs: 60_000 });

test("--timeout runs out: exit 3, and the error names the last status", async () => {
  const result = await cli().run(["sync-obs", "-j", "282", "--wait", "--timeout", "1.5", "--json"]);
  expect(result.code).toBe(3);
  expect(jsonOf(result)).toMatchObject({ is_success: false, error_code: "WAITER_TIMEOUT", error_msg: expect.stringContaining("the last status was 3") });
  expect(result.stderr).toMatch(/^error: wait_for_sync_obs: not settled within 1500 ms/m);
});

test("Ctrl+C while waiting: exit 130, nothing printed on stdout", async () => {
  const child = spawn(CLI_COMMAND[0]!, [...CLI_COMMAND.slice(1), "sync-obs", "-j", "283", "--wait"], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? "", HOME: cli().home, MODELARTS_CONFIG: `${cli().home}/config.yaml` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
  // Interrupt once the wait has begun: the sync was started and its status polled.
  const polled = () => cli().served.some((line) => line.includes("/data-annotations/283/obs/sync-status 200"));
  const deadline = Date.now() + 20_000;
  while (!polled() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(polled()).toBe(true);
  child.kill("SIGINT");
  expect(await exit).toBe(130);
  expect(stdout).toBe("");
  expect(stderr).toContain("aborted");
});
