/**
 * The service's status lag, modelled by the emulator's statusLagMs: for a while after sync_obs
 * answers, sync_obs_status still gives the previous sync's settled status. The waiter's rule
 * (staleStatusMs, on by default) is tested against it: a settled status read before the job was
 * seen running, within staleStatusMs of this client's own sync_obs, is a leftover and is polled
 * past; a sync that really ends between two polls then costs at most staleStatusMs.
 */
import { describe, expect, it } from "vitest";
import type { EmulatorJob } from "../../src/emulator/index.js";
import type { DataAnnotationsApi, SyncProgressEvent } from "../../src/index.node.js";
import { TEST_PROJECT_ID, useEmulator, withEmulator } from "../support/emulator.js";
import { FAKE_JPEG } from "../support/images.js";
import { publicApisFor } from "../support/public-client.js";

const JOB: EmulatorJob = { id: "320", name: "lagging", data_path: "obs://bucket/lag/", project_id: TEST_PROJECT_ID, type: 0 };
const LAG_MS = 1_000;
// Longer than the lag, so that the new sync is still running (3) when the lag ends.
const SYNC_MS = 2_000;

describe("a service whose status lags behind sync_obs", () => {
  const env = useEmulator({ jobs: [JOB], objects: { "bucket/lag/a.jpg": FAKE_JPEG }, statusLagMs: LAG_MS, syncDelayMs: SYNC_MS });
  // Through the fixture's recording fetch, so that every poll is contract-checked too.
  const api = () => publicApisFor(env()).das;

  async function settleFirstSync(das: DataAnnotationsApi): Promise<void> {
    expect(await das.sync_obs({ data_annotation_id: JOB.id })).toMatchObject({ is_success: true });
    // Past the lag of the first sync, then until it has settled.
    expect(await das.wait_for_sync_obs({ data_annotation_id: JOB.id, intervalMs: 50, maxIntervalMs: 50 })).toMatchObject({ sync_status: expect.any(Number) });
    await new Promise((resolve) => setTimeout(resolve, LAG_MS));
    expect(await das.wait_for_sync_obs({ data_annotation_id: JOB.id, intervalMs: 50 })).toMatchObject({ sync_status: 1 });
  }

  it("the emulator keeps answering the previous status for statusLagMs after sync_obs", async () => {
    const das = api();
    await settleFirstSync(das);
    const started = performance.now();
    await das.sync_obs({ data_annotation_id: JOB.id });
    expect(await das.sync_obs_status({ data_annotation_id: JOB.id })).toMatchObject({ sync_status: 1 });
    await new Promise((resolve) => setTimeout(resolve, LAG_MS - (performance.now() - started) + 50));
    expect(await das.sync_obs_status({ data_annotation_id: JOB.id })).toMatchObject({ sync_status: 3 });
  });

  it("with staleStatusMs 0 the waiter takes the leftover 1 for the end", async () => {
    const das = api();
    await settleFirstSync(das);
    await das.sync_obs({ data_annotation_id: JOB.id });
    const result = await das.wait_for_sync_obs({ data_annotation_id: JOB.id, intervalMs: 50, staleStatusMs: 0 });
    expect(result).toMatchObject({ sync_status: 1, polls: 1 });
  });

  it("by default (staleStatusMs 2 s, longer than this lag) the waiter polls past the leftover and returns the new sync's end", async () => {
    const das = api();
    await settleFirstSync(das);
    const started = performance.now();
    await das.sync_obs({ data_annotation_id: JOB.id });
    const seen: SyncProgressEvent["sync_status"][] = [];
    const result = await das.wait_for_sync_obs({ data_annotation_id: JOB.id, intervalMs: 50, maxIntervalMs: 100, onProgress: (event) => seen.push(event.sync_status) });
    expect(result).toMatchObject({ is_success: true, sync_status: 1 });
    expect(seen).toEqual([1, 3, 1]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(SYNC_MS);
  });

  it("with staleStatusMs longer than the lag, the waiter polls past the leftover and returns the new sync's end", async () => {
    const das = api();
    await settleFirstSync(das);
    const started = performance.now();
    await das.sync_obs({ data_annotation_id: JOB.id });
    const seen: SyncProgressEvent["sync_status"][] = [];
    const result = await das.wait_for_sync_obs({
      data_annotation_id: JOB.id,
      intervalMs: 50,
      maxIntervalMs: 100,
      staleStatusMs: 5_000,
      onProgress: (event) => seen.push(event.sync_status),
    });
    expect(result).toMatchObject({ is_success: true, sync_status: 1 });
    expect(seen).toEqual([1, 3, 1]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(SYNC_MS);
  });

  it("staleStatusMs does not delay a wait on a sync this client did not start", async () => {
    const das = api();
    await settleFirstSync(das);
    expect(await env().syncAndWait(JOB.id)).toBe(1); // another client's sync
    await new Promise((resolve) => setTimeout(resolve, SYNC_MS + 500)); // until that sync has settled
    const other = api();
    const started = performance.now();
    expect(await other.wait_for_sync_obs({ data_annotation_id: JOB.id, intervalMs: 50, staleStatusMs: 5_000 })).toMatchObject({ sync_status: 1, polls: 1 });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("a sync that runs and ends between two polls costs at most the default 2 s", async () => {
    // Another emulator without lag and with an instant sync: the first poll already reads its end,
    // which the waiter cannot tell from a leftover.
    const quick = await withEmulator({ jobs: [JOB], objects: { "bucket/lag/a.jpg": FAKE_JPEG }, syncDelayMs: 0 });
    try {
      const fast = publicApisFor(quick).das;
      const started = performance.now();
      await fast.sync_obs({ data_annotation_id: JOB.id });
      await quick.emulator.idle();
      const result = await fast.wait_for_sync_obs({ data_annotation_id: JOB.id });
      const took = performance.now() - started;
      expect(result).toMatchObject({ is_success: true, sync_status: 1 });
      // Polled past the first 1 until the window ended (polls at 0, 1 and 2 s), not to the next
      // backoff step (2.5 s) beyond it.
      expect(result).toMatchObject({ polls: 3 });
      expect(took).toBeGreaterThanOrEqual(2_000);
      expect((result as { elapsedMs: number }).elapsedMs).toBeLessThan(2_400);
    } finally {
      await quick.close();
    }
  });
});
