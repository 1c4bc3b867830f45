/**
 * `sync-obs` (with and without --wait) and `sync-status`, run as a child process against the emulator
 * (see fixture.ts): stdout, stderr and exit codes, --json output parsed.
 */
import { describe, expect, test } from "vitest";
import { useCliEmulator } from "./fixture.js";
import { jsonOf } from "./run.js";

const cli = useCliEmulator();

describe("sync-obs and sync-status", () => {
  test("sync-obs starts a sync; sync-status reports it", async () => {
    const started = await cli().run(["sync-obs", "-j", "284"]);
    expect(started).toMatchObject({ code: 0, stderr: "" });
    expect(started.stdout).toContain("Sync of job 284 started");
    expect(jsonOf(await cli().run(["sync-obs", "-j", "282", "--json"]))).toEqual({ is_success: true, data_annotation_id: "282" });
    await cli().emulator.emulator.idle();
    const status = await cli().run(["sync-status", "-j", "284", "--json"]);
    expect(status.code).toBe(0);
    expect(jsonOf(status)).toEqual({ is_success: true, sync_status: 1 });
    const text = await cli().run(["sync-status", "--data-annotation-id", "284"]);
    expect(text.stdout).toBe("Job 284: succeeded (sync_status 1)\n");
  });

  test("sync-obs --wait --json prints one JSON document with the final status and exits 0", async () => {
    expect(cli().emulator.emulator.job("286")).toMatchObject({ sync_status: 0, images: [] });
    const result = await cli().run(["sync-obs", "--data-annotation-id", "286", "--wait", "--json"]);
    expect(result.code).toBe(0);
    expect(jsonOf(result)).toEqual({ is_success: true, data_annotation_id: "286", sync_status: 1, elapsedMs: expect.any(Number), polls: expect.any(Number), started: true });
    // The sync really ran: the job now holds its folder's two images.
    expect(cli().emulator.emulator.job("286")?.images).toHaveLength(2);
    // Not a terminal: no live progress line, so nothing at all on stderr.
    expect(result.stderr).toBe("");
  });

  test("sync-obs --wait on a job whose OBS folder is missing exits 1 with status 2", async () => {
    const result = await cli().run(["sync-obs", "-j", "291", "--wait", "--json"]);
    expect(result.code).toBe(1);
    expect(jsonOf(result)).toMatchObject({ is_success: true, sync_status: 2 });
    expect(result.stderr).toContain("the sync of job 291 failed");
    const text = await cli().run(["sync-obs", "-j", "291", "--wait"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^Sync of job 291 failed \(2\) after \d+\.\d s\.\n$/);
  });

  test("a service error exits 1, with the error document on stdout under --json", async () => {
    const result = await cli().run(["sync-status", "-j", "999", "--json"]);
    expect(result.code).toBe(1);
    expect(jsonOf(result)).toEqual({
      is_success: false,
      error_code: "ModelArts.4338",
      error_msg: expect.any(String),
      http_status: 400,
      request_id: expect.any(String),
    });
    expect(result.stderr).toMatch(/^error: ModelArts\.4338: .+ \(HTTP 400, request \S+\)\n$/);
    const text = await cli().run(["sync-obs", "-j", "999"]);
    expect(text).toMatchObject({ code: 1, stdout: "" });
  });
});
