/**
 * `sync-obs --wait` on a sync that outlasts the wait: --timeout gives exit 3 with the last
 * status seen, Ctrl+C (SIGINT) stops the wait with exit 130 and SIGTERM with 143, and a sync
 * already running is waited for. The emulator keeps each sync running for a minute here.
 */
import { expect, test } from "vitest";
import { useCliEmulator } from "./fixture.js";
import { jsonOf, startCli } from "./run.js";

const cli = useCliEmulator({ syncDelayMs: 60_000 });

test("--timeout runs out: exit 3, and the error names the last status", async () => {
  const result = await cli().run(["sync-obs", "-j", "282", "--wait", "--timeout", "3", "--json"]);
  expect(result.code).toBe(3);
  expect(jsonOf(result)).toMatchObject({ is_success: false, error_code: "WAITER_TIMEOUT", error_msg: expect.stringContaining("the last status was 3") });
  expect(result.stderr).toMatch(/^error: wait_for_sync_obs: not settled within 3000 ms/m);
});

async function interruptWaiting(job: string, signal: NodeJS.Signals) {
  const run = startCli(["sync-obs", "-j", job, "--wait"], { HOME: cli().home, MODELARTS_CONFIG: `${cli().home}/config.yaml` });
  // Interrupt once the wait has begun: the sync was started and its status polled.
  const polled = () => cli().served.some((line) => line.includes(`/data-annotations/${job}/obs/sync-status 200`));
  const deadline = Date.now() + 20_000;
  while (!polled() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(polled()).toBe(true);
  run.child.kill(signal);
  return run.done;
}

test("Ctrl+C while waiting: exit 130, nothing printed on stdout", async () => {
  const { code, stdout, stderr } = await interruptWaiting("283", "SIGINT");
  expect(code).toBe(130);
  expect(stdout).toBe("");
  expect(stderr).toContain("aborted");
});

test("SIGTERM while waiting: exit 143", async () => {
  const { code, stderr } = await interruptWaiting("290", "SIGTERM");
  expect(code).toBe(143);
  expect(stderr).toContain("aborted");
});

test("--wait on a job whose sync is already running waits for that sync instead of failing with 4355", async () => {
  expect(await cli().run(["sync-obs", "-j", "284"])).toMatchObject({ code: 0 });
  const attached = await cli().run(["sync-obs", "-j", "284", "--wait", "--timeout", "3", "--json"]);
  // The sync outlasts the wait here, so the wait times out: it did not stop at ModelArts.4355.
  expect(attached.code).toBe(3);
  expect(attached.stderr).toContain("A sync of job 284 is already running; waiting for it to end.");
  expect(jsonOf(attached)).toMatchObject({ error_code: "WAITER_TIMEOUT", error_msg: expect.stringContaining("the last status was 3") });
  // Without --wait, a second sync is refused as before.
  expect(jsonOf(await cli().run(["sync-obs", "-j", "284", "--json"]))).toMatchObject({ error_code: "ModelArts.4355" });
});
