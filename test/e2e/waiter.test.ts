/**
 * wait_for_sync_obs against the emulator over loopback: real scans that stay in state 3 for
 * syncDelayMs, real error answers, real cancellation. Every poll goes through the fixture's
 * recording fetch, so each one is also checked against the contract, and the tests count the
 * requests that were started and finished by wrapping that (real) fetch.
 */
import { describe, expect, test, vi } from "vitest";
import {
  createClient,
  DataAnnotationsApi,
  ModelArtsAbortError,
  ModelArtsNetworkError,
  ModelArtsWaiterTimeoutError,
  type CreateClientOptions,
  type SyncProgressEvent,
} from "../../src/index.node.js";
import type { EmulatorJob } from "../../src/emulator/index.js";
import { TEST_AK, TEST_PROJECT_ID, TEST_SK, useEmulator, type EmulatorFixture } from "../support/emulator.js";
import { expectRefusal } from "../support/refusal.js";
import { FAKE_JPEG } from "../support/images.js";

const CATS: EmulatorJob = { id: "282", name: "cats", data_path: "obs://bucket/cats/", project_id: TEST_PROJECT_ID, type: 0 };
const GONE: EmulatorJob = { id: "291", name: "gone", data_path: "obs://bucket/not-there/", type: 0 };
const FIXTURE = { jobs: [CATS, GONE], objects: { "bucket/cats/a.jpg": FAKE_JPEG, "bucket/cats/b.jpg": FAKE_JPEG } };
// Polls this fast keep the suite quick; the backoff is the same code at any scale.
const FAST = { intervalMs: 10, maxIntervalMs: 40 } as const;

/** A client over the fixture's recording fetch, plus counts of the requests it started and finished. */
function apiFor(fixture: EmulatorFixture, options: CreateClientOptions = {}) {
  const requests = { started: 0, finished: 0 };
  const fetch = async (request: Request): Promise<Response> => {
    requests.started += 1;
    try {
      return await fixture.contract.fetch(request);
    } finally {
      requests.finished += 1;
    }
  };
  const client = createClient({ endpoint: fixture.url, credentials: { ak: TEST_AK, sk: TEST_SK }, projectId: TEST_PROJECT_ID, env: {}, fetch, ...options });
  return { das: new DataAnnotationsApi(client), requests };
}

const statusPolls = (fixture: EmulatorFixture) => fixture.contract.exchanges.filter((e) => e.request.url.endsWith("/obs/sync-status"));


describe("settling", () => {
  // Long enough that the first poll after sync_obs sees state 3 even on a loaded machine.
  const env = useEmulator({ ...FIXTURE, syncDelayMs: 400 });

  test("resolves with sync_status 1 once the scan of an existing folder ends", async () => {
    const { das } = apiFor(env());
    expect(await das.sync_obs({ data_annotation_id: CATS.id })).toEqual({ is_success: true });
    const result = await das.wait_for_sync_obs({ data_annotation_id: CATS.id, ...FAST });
    expect(result).toEqual({ is_success: true, sync_status: 1, elapsedMs: expect.any(Number), polls: expect.any(Number) });
    if (!result.is_success) throw new Error("unreachable");
    expect(result.polls).toBe(statusPolls(env()).length);
    expect(result.polls).toBeGreaterThan(1);
    expect(env().emulator.job(CATS.id)?.sync_status).toBe(1);
  });

  test("resolves with sync_status 2 when the scan fails (the job's folder does not exist)", async () => {
    const { das } = apiFor(env());
    await das.sync_obs({ data_annotation_id: GONE.id });
    expect(await das.wait_for_sync_obs({ data_annotation_id: GONE.id, ...FAST })).toMatchObject({ is_success: true, sync_status: 2 });
  });

  test("onProgress hears each change once, the first read included: 3, then 1", async () => {
    const { das } = apiFor(env());
    await das.sync_obs({ data_annotation_id: CATS.id });
    const events: SyncProgressEvent[] = [];
    const result = await das.wait_for_sync_obs({ data_annotation_id: CATS.id, ...FAST, onProgress: (event) => events.push(event) });
    expect(events.map(({ sync_status, previous }) => [previous, sync_status])).toEqual([
      [undefined, 3],
      [3, 1],
    ]);
    expect(events[0]?.polls).toBe(1);
    // State 3 was read more than once, yet reported once.
    expect(result.is_success && result.polls).toBeGreaterThan(2);
    expect(events[1]?.polls).toBe(result.is_success && result.polls);
    expect(events[1]!.elapsedMs).toBeGreaterThanOrEqual(events[0]!.elapsedMs);
  });

  test("an onProgress that throws rejects the wait with its error, and polling stops", async () => {
    const { das, requests } = apiFor(env());
    await das.sync_obs({ data_annotation_id: CATS.id });
    const mistake = new Error("listener bug");
    const waiting = das.wait_for_sync_obs({
      data_annotation_id: CATS.id,
      ...FAST,
      onProgress: () => {
        throw mistake;
      },
    });
    await expect(waiting).rejects.toBe(mistake);
    const polls = statusPolls(env()).length;
    expect(polls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(statusPolls(env()).length).toBe(polls);
    expect(requests.started).toBe(requests.finished);
  });
});

describe("service failures", () => {
  const env = useEmulator(FIXTURE);

  test("a permanent failure (an unknown job) resolves with the failure result after one poll", async () => {
    const { das } = apiFor(env());
    const result = await das.wait_for_sync_obs({ data_annotation_id: "999", ...FAST });
    expect(result).toEqual({ is_success: false, error_code: "ModelArts.4338", error_msg: expect.any(String), http_status: 400, request_id: expect.stringMatching(/\S/) });
    expect(statusPolls(env())).toHaveLength(1);
  });

  test("so does a refused signature (401)", async () => {
    const { das } = apiFor(env(), { credentials: { ak: TEST_AK, sk: "not-the-secret" } });
    expect(await das.wait_for_sync_obs({ data_annotation_id: CATS.id, ...FAST })).toMatchObject({ is_success: false, error_code: "ModelArts.0208", http_status: 401 });
    expect(statusPolls(env())).toHaveLength(1);
  });
});

describe("the deadline", () => {
  // A scan that outlasts every test here: the job stays in state 3.
  const env = useEmulator({ ...FIXTURE, syncDelayMs: 60_000 });

  test("rejects with ModelArtsWaiterTimeoutError carrying the last status, 3", async () => {
    const { das, requests } = apiFor(env());
    await das.sync_obs({ data_annotation_id: CATS.id });
    // Two polls: the second starts about 600 ms in with some 600 ms left, and after it the wait
    // sleeps to the deadline. No poll comes near enough to the deadline to be cut off (which
    // would count as a failure, "TIMEOUT") unless a loopback answer took half a second.
    const error = await das.wait_for_sync_obs({ data_annotation_id: CATS.id, timeoutMs: 1_200, intervalMs: 600, maxIntervalMs: 600 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsWaiterTimeoutError);
    const timeout = error as ModelArtsWaiterTimeoutError;
    expect(timeout).toMatchObject({ code: "WAITER_TIMEOUT", operation: "wait_for_sync_obs", lastStatus: 3, lastFailure: undefined });
    expect(timeout.polls).toBe(statusPolls(env()).length);
    expect(timeout.polls).toBeGreaterThan(1);
    expect(timeout.elapsedMs).toBeGreaterThanOrEqual(1_200);
    expect(timeout.message).toMatch(/not settled within 1200 ms.*last status was 3/);
    expect(requests.started).toBe(requests.finished);
  });

  test("state 0 (no scan was ever started) keeps it waiting too", async () => {
    const { das } = apiFor(env());
    // A second for the first poll to read the 0, however loaded the machine.
    await expect(das.wait_for_sync_obs({ data_annotation_id: CATS.id, timeoutMs: 1_000, ...FAST })).rejects.toMatchObject({
      name: "ModelArtsWaiterTimeoutError",
      lastStatus: 0,
    });
  });
});

describe("cancellation", () => {
  const env = useEmulator({ ...FIXTURE, syncDelayMs: 60_000 });

  test("an already aborted signal rejects before the first poll", async () => {
    const { das, requests } = apiFor(env());
    const controller = new AbortController();
    controller.abort();
    const error = await das.wait_for_sync_obs({ data_annotation_id: CATS.id, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsAbortError);
    expect(error).toMatchObject({ code: "ABORTED", operation: "wait_for_sync_obs" });
    expect(requests.started).toBe(0);
  });

  test("aborting during a sleep rejects at once and leaves no timer or request behind", async () => {
    const { das, requests } = apiFor(env());
    await das.sync_obs({ data_annotation_id: CATS.id });
    // Watch the real timer functions (they still schedule and clear) to get hold of the waiter's sleep.
    const setTimer = vi.spyOn(globalThis, "setTimeout");
    const clearTimer = vi.spyOn(globalThis, "clearTimeout");
    try {
      const controller = new AbortController();
      let firstRead!: () => void;
      const read = new Promise<void>((resolve) => (firstRead = resolve));
      // A minute-long sleep after the first poll: only the abort can end this test in time.
      const waiting = das.wait_for_sync_obs({ data_annotation_id: CATS.id, intervalMs: 60_000, signal: controller.signal, onProgress: () => firstRead() });
      const outcome = waiting.catch((e: unknown) => e);
      await read;
      await new Promise((resolve) => setImmediate(resolve));
      const sleeps = setTimer.mock.calls.flatMap((call, i) => (call[1] === 60_000 ? [setTimer.mock.results[i]!.value as NodeJS.Timeout] : []));
      expect(sleeps).toHaveLength(1);
      expect(sleeps[0]!.hasRef()).toBe(true); // left running, it would hold the process open
      expect(clearTimer).not.toHaveBeenCalledWith(sleeps[0]);

      controller.abort();
      const error = await outcome;
      expect(error).toBeInstanceOf(ModelArtsAbortError);
      expect(error).toMatchObject({ code: "ABORTED", operation: "wait_for_sync_obs" });
      expect(clearTimer).toHaveBeenCalledWith(sleeps[0]); // cleared, so nothing keeps the process alive
      expect(statusPolls(env())).toHaveLength(1);
      expect(requests).toEqual({ started: 2, finished: 2 }); // sync_obs and the one poll
    } finally {
      setTimer.mockRestore();
      clearTimer.mockRestore();
    }
  });

  test("the per-call options' signal cancels it as well", async () => {
    const { das, requests } = apiFor(env());
    const controller = new AbortController();
    controller.abort();
    await expect(das.wait_for_sync_obs({ data_annotation_id: CATS.id }, { signal: controller.signal })).rejects.toBeInstanceOf(ModelArtsAbortError);
    expect(requests.started).toBe(0);
  });
});

describe("validation, before any request", () => {
  const env = useEmulator(FIXTURE);

  test.each([
    ["a malformed data_annotation_id", { data_annotation_id: "28/2" }, "data_annotation_id"],
    ["no data_annotation_id", {}, "data_annotation_id"],
    ["a parameter sync_obs_status does not take", { data_annotation_id: "282", intervalMS: 10 }, "intervalMS"],
    ["timeoutMs 0", { data_annotation_id: "282", timeoutMs: 0 }, "timeoutMs"],
    ["a fractional timeoutMs", { data_annotation_id: "282", timeoutMs: 1.5 }, "timeoutMs"],
    ["timeoutMs as a string", { data_annotation_id: "282", timeoutMs: "1000" }, "timeoutMs"],
    ["a negative intervalMs", { data_annotation_id: "282", intervalMs: -1 }, "intervalMs"],
    ["maxIntervalMs below intervalMs", { data_annotation_id: "282", intervalMs: 500, maxIntervalMs: 100 }, "maxIntervalMs"],
    ["maxIntervalMs NaN", { data_annotation_id: "282", maxIntervalMs: Number.NaN }, "maxIntervalMs"],
    ["an onProgress that is not a function", { data_annotation_id: "282", onProgress: "log" }, "onProgress"],
    ["a signal that is not an AbortSignal", { data_annotation_id: "282", signal: { aborted: false } }, "signal"],
  ])("%s", async (_, params, parameter) => {
    const { das, requests } = apiFor(env());
    const error = await das.wait_for_sync_obs(params as never).catch((e: unknown) => e);
    expectRefusal(error, parameter);
    expect(requests.started).toBe(0);
    expect(env().contract.exchanges).toHaveLength(0);
  });

  test("a bad per-call timeout", async () => {
    const { das, requests } = apiFor(env());
    await expect(das.wait_for_sync_obs({ data_annotation_id: "282" }, { timeoutMs: -5 })).rejects.toMatchObject({ name: "ModelArtsArgumentError", argument: "timeoutMs" });
    expect(requests.started).toBe(0);
  });
});

describe("transient failures", () => {
  const env = useEmulator(FIXTURE);

  test("503s, a 429 and a 500 are retried, and the wait still settles", async () => {
    const { das } = apiFor(env(), { retry: { baseDelayMs: 20 } });
    await das.sync_obs({ data_annotation_id: CATS.id });
    await env().emulator.idle();
    env().emulator.injectFault({ operationId: "sync_obs_status", status: 503, times: 2 });
    env().emulator.injectFault({ operationId: "sync_obs_status", status: 429 });
    env().emulator.injectFault({ operationId: "sync_obs_status", status: 500 });
    // The sync ended before the wait began (idle above): staleStatusMs 0 takes its 1 at once,
    // where the default would poll on for up to 2 s (status-lag.test.ts tests that rule).
    const result = await das.wait_for_sync_obs({ data_annotation_id: CATS.id, ...FAST, staleStatusMs: 0 });
    // The first poll's helper retries three times (the client's policy) and hands the 500 to the
    // waiter, whose second poll reads the status.
    expect(result).toEqual({ is_success: true, sync_status: 1, elapsedMs: expect.any(Number), polls: 2 });
    expect(statusPolls(env()).map((e) => e.response.status)).toEqual([503, 503, 429, 500, 200]);
  });

  test("a deadline reached while they last names the last one", async () => {
    const { das } = apiFor(env());
    env().emulator.injectFault({ operationId: "sync_obs_status", status: 503, times: 1_000 });
    // Two polls 600 ms apart, neither near enough to the deadline to be cut off: the last failure is a 503.
    const error = await das.wait_for_sync_obs({ data_annotation_id: CATS.id, timeoutMs: 1_200, intervalMs: 600, maxIntervalMs: 600 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsWaiterTimeoutError);
    const polls = statusPolls(env());
    // Each poll's helper retried too, so requests outnumber polls.
    expect(polls.length).toBeGreaterThanOrEqual((error as ModelArtsWaiterTimeoutError).polls);
    expect(error).toMatchObject({
      lastStatus: undefined,
      lastFailure: { error_code: "ModelArts.4302", http_status: 503, request_id: polls.at(-1)!.response.headers["x-request-id"] },
    });
    expect((error as Error).message).toContain("no status was read; last failure ModelArts.4302 (HTTP 503)");
  });
});
