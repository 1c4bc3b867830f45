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
  // The same keys as a settled wait's document, and the status by name with its number.
  expect(Object.keys(jsonOf(result)).sort()).toEqual(["data_annotation_id", "elapsedMs", "error_code", "error_msg", "is_success", "polls", "started", "sync_status"]);
  expect(jsonOf(result)).toMatchObject({ is_success: false, error_code: "WAITER_TIMEOUT", data_annotation_id: "282", started: true, sync_status: 3, error_msg: expect.stringContaining("the last status was syncing (3)") });
  expect(result.stderr).toMatch(/^error: gave up waiting for the sync of job 282 after \d+\.\d s and \d+ polls; the last status was syncing \(3\)\nThe sync goes on in the service; check it with "modelarts-annotations sync-status -j 282"\.\n$/m);
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
  expect(stderr).toContain("error: stopped waiting for the sync of job 283 (SIGINT)\nThe sync goes on in the service; check it with \"modelarts-annotations sync-status -j 283\".");
  expect(stderr).not.toContain("aborted");
});

test("SIGTERM while waiting: exit 143", async () => {
  const { code, stderr } = await interruptWaiting("290", "SIGTERM");
  expect(code).toBe(143);
  expect(stderr).toContain("The sync goes on in the service");
});

test("--wait on a job whose sync is already running waits for that sync instead of failing with 4355", async () => {
  expect(await cli().run(["sync-obs", "-j", "284"])).toMatchObject({ code: 0 });
  const attached = await cli().run(["sync-obs", "-j", "284", "--wait", "--timeout", "3", "--json"]);
  // The sync outlasts the wait here, so the wait times out: it did not stop at ModelArts.4355.
  expect(attached.code).toBe(3);
  expect(attached.stderr).toContain("A sync of job 284 is already running; waiting for it to end.");
  expect(jsonOf(attached)).toMatchObject({ error_code: "WAITER_TIMEOUT", error_msg: expect.stringContaining("the last status was syncing (3)") });
  // Without --wait, a second sync is refused as before.
  const refused = await cli().run(["sync-obs", "-j", "284", "--json"]);
  expect(jsonOf(refused)).toMatchObject({ error_code: "ModelArts.4355" });
  // ...with the way out named.
  expect(refused.stderr).toContain('A sync of job 284 is already running: "modelarts-annotations sync-obs -j 284 --wait" waits for it to end');
});
