/**
 * What the emulator cannot show about wait_for_sync_obs: the backoff schedule itself (with a
 * scripted status source on fake timers, so the schedule is exact), and, over small real HTTP
 * servers on loopback, a poll that would hang past the deadline, proxy answers (502, 504), refused
 * connections and a broken success body.
 */
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { attemptTimeout } from "../../src/api/invoke.js";
import { waitForSyncObs } from "../../src/api/waiter.js";
import type { CallOptions, Result } from "../../src/api/types.js";
import { createClient, DataAnnotationsApi, ModelArtsNetworkError, ModelArtsWaiterTimeoutError, type CreateClientOptions } from "../../src/index.node.js";
import { closedPortUrl, useLoopbackServers } from "../support/loopback.js";

const AK = "WAITERTESTAK0000";
const SK = "waiter-test-secret-key-never-shown";
const PROJECT = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

const serve = useLoopbackServers();

afterEach(() => {
  vi.useRealTimers();
});

function api(endpoint: string, options: CreateClientOptions = {}) {
  return new DataAnnotationsApi(createClient({ endpoint, credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {}, ...options }));
}

const status = (sync_status: 0 | 1 | 2 | 3): Result<"sync_obs_status"> => ({ is_success: true, sync_status });

describe("the schedule", () => {
  /**
   * The timeout a poll's request gets: the helper (src/api/invoke.ts) takes the call's or the
   * client's, and cuts it to the time left before the deadline the waiter passed.
   */
  const requestTimeout = (options: CallOptions, deadline: number, clientTimeoutMs: number) => attemptTimeout(options.timeoutMs ?? clientTimeoutMs, deadline);

  /** A status source that is always 3, recording when each poll came and the timeout its request got. */
  function stuckInThree(clientTimeoutMs = 30_000) {
    const calls: Array<{ at: number; timeoutMs: number }> = [];
    const poll = async (_params: unknown, options: CallOptions, deadline: number) => {
      calls.push({ at: performance.now(), timeoutMs: requestTimeout(options, deadline, clientTimeoutMs) });
      return status(3);
    };
    return { calls, poll };
  }

  it("waits intervalMs, grows 1.5x per poll up to maxIntervalMs, and never sleeps past the deadline", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance", "Date"] });
    const { calls, poll } = stuckInThree();
    const waiting = waitForSyncObs(poll, { data_annotation_id: "282", timeoutMs: 40_000 }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    const error = await waiting;
    const start = calls[0]!.at;
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    expect(gaps).toEqual([1000, 1500, 2250, 3375, 5063, 7595, 10_000]);
    // 30 783 ms in, the next 10 s sleep is cut to the 9 217 ms left; then the wait gives up.
    expect(error).toBeInstanceOf(ModelArtsWaiterTimeoutError);
    expect(error).toMatchObject({ polls: 8, lastStatus: 3, elapsedMs: 40_000 });
    expect(calls.at(-1)!.at - start).toBe(30_783);
  });

  it("gives each poll the client's timeout, or the time left when that is shorter (the deadline it passes, applied by the helper)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance", "Date"] });
    const { calls, poll } = stuckInThree(3_000);
    const waiting = waitForSyncObs(poll, { data_annotation_id: "282", timeoutMs: 5_000, intervalMs: 1_000 }).catch(() => undefined);
    await vi.runAllTimersAsync();
    await waiting;
    expect(calls.map((c) => c.timeoutMs)).toEqual([3_000, 3_000, 2_500, 250]);

    // A per-call timeout of 0 (none) is still bounded by the deadline.
    calls.length = 0;
    const unbounded = waitForSyncObs(poll, { data_annotation_id: "282", timeoutMs: 2_000, intervalMs: 1_000 }, { timeoutMs: 0 }).catch(() => undefined);
    await vi.runAllTimersAsync();
    await unbounded;
    expect(calls.map((c) => c.timeoutMs)).toEqual([2_000, 1_000]);
  });

  /**
   * A status source whose first answer is immediate and whose later ones take `latencyMs`, cut off
   * at the poll's timeout the way the transport cuts a request.
   */
  function slowAfterFirst(latencyMs: number) {
    const calls: Array<{ at: number; timeoutMs: number }> = [];
    const poll = (_params: unknown, options: CallOptions, deadline: number): Promise<Result<"sync_obs_status">> => {
      const timeoutMs = requestTimeout(options, deadline, 30_000);
      calls.push({ at: performance.now(), timeoutMs });
      if (calls.length === 1) return Promise.resolve(status(3));
      return new Promise((resolve, reject) => {
        if (timeoutMs < latencyMs) setTimeout(() => reject(new ModelArtsNetworkError("GET /sync-status timed out", "timeout")), timeoutMs);
        else setTimeout(() => resolve(status(3)), latencyMs);
      });
    };
    return { calls, poll };
  }

  it("starts no poll with less than 50 ms left: it sleeps to the deadline and reports the last status, not a cut-off", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance", "Date"] });
    const { calls, poll } = slowAfterFirst(30);
    // The second poll would be due 1 000 ms in, with 20 ms left: too little for its 30 ms.
    const waiting = waitForSyncObs(poll, { data_annotation_id: "282", timeoutMs: 1_020, intervalMs: 1_000 }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    const error = await waiting;
    expect(error).toBeInstanceOf(ModelArtsWaiterTimeoutError);
    expect(error).toMatchObject({ polls: 1, lastStatus: 3, lastFailure: undefined, elapsedMs: 1_020 });
    expect(calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("still polls with 50 ms left, and always makes the first poll, even under a shorter deadline", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance", "Date"] });
    const edge = slowAfterFirst(30);
    const atFloor = waitForSyncObs(edge.poll, { data_annotation_id: "282", timeoutMs: 1_050, intervalMs: 1_000 }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await atFloor).toMatchObject({ polls: 2, lastStatus: 3, lastFailure: undefined });
    expect(edge.calls.map((c) => c.timeoutMs)).toEqual([1_050, 50]);

    const short = stuckInThree();
    const tiny = waitForSyncObs(short.poll, { data_annotation_id: "282", timeoutMs: 20 }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await tiny).toMatchObject({ polls: 1, lastStatus: 3, elapsedMs: 20 });
    expect(short.calls.map((c) => c.timeoutMs)).toEqual([20]);
  });

  it("a larger intervalMs raises the default cap instead of failing validation", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance", "Date"] });
    const { calls, poll } = stuckInThree();
    const waiting = waitForSyncObs(poll, { data_annotation_id: "282", timeoutMs: 100_000, intervalMs: 20_000 }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await waiting).toBeInstanceOf(ModelArtsWaiterTimeoutError);
    expect(calls.slice(1).map((c, i) => c.at - calls[i]!.at)).toEqual([20_000, 20_000, 20_000, 20_000]);
  });
});

describe("over HTTP", () => {
  it("cuts a poll that would hang at the deadline, not at the client's timeout", async () => {
    const url = await serve(() => {
      // Never answers.
    });
    // The client's own timeout would hold the poll for 60 s; the test's 10 s limit catches that.
    const das = api(url, { timeoutMs: 60_000 });
    const error = await das.wait_for_sync_obs({ data_annotation_id: "282", timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsWaiterTimeoutError);
    expect(error).toMatchObject({ polls: 1, lastStatus: undefined, lastFailure: { error_code: "TIMEOUT", http_status: undefined, request_id: null } });
  }, 10_000);

  it("retries a proxy's 502 and 504 pages and settles", async () => {
    const answers: Array<(res: ServerResponse) => void> = [
      (res) => res.writeHead(502, { "content-type": "text/html" }).end("<html>Bad gateway</html>"),
      (res) => res.writeHead(504, { "content-type": "text/html", "x-request-id": "req-504" }).end("<html>Gateway timeout</html>"),
      (res) => res.writeHead(200, { "content-type": "application/json" }).end('{"is_success":true,"sync_status":3}'),
      (res) => res.writeHead(200, { "content-type": "application/json" }).end('{"is_success":true,"sync_status":1}'),
    ];
    let served = 0;
    const url = await serve((_req, res) => answers[served++]!(res));
    const result = await api(url, { retry: { baseDelayMs: 10 } }).wait_for_sync_obs({ data_annotation_id: "282", intervalMs: 5, maxIntervalMs: 5 });
    // The first poll's helper retried the 502 and the 504 (the client's retry policy) and read 3.
    expect(result).toEqual({ is_success: true, sync_status: 1, elapsedMs: expect.any(Number), polls: 2 });
    expect(served).toBe(4);
  });

  it("times out naming the last retryable failure when every poll fails", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(504, { "content-type": "text/html", "x-request-id": "req-504" }).end("<html>Gateway timeout</html>");
    });
    // One poll, then a sleep to the deadline: no second poll starts with too little time to finish.
    // A whole second for that one poll, so that a loaded machine does not turn it into a TIMEOUT.
    const error = await api(url).wait_for_sync_obs({ data_annotation_id: "282", timeoutMs: 1_000, intervalMs: 1_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsWaiterTimeoutError);
    expect(error).toMatchObject({ polls: 1, lastStatus: undefined, lastFailure: { error_code: "HTTP.504", http_status: 504, request_id: "req-504" } });
    expect((error as Error).message).toContain("last failure HTTP.504 (HTTP 504)");
  });

  it("retries refused connections until the deadline", async () => {
    const url = await closedPortUrl();
    // Without the client's retries (its waits are random), two polls: the second starts about 300 ms in, with some 300 ms left, far more than a refusal
    // takes even on a loaded machine, so it is not cut off as a TIMEOUT; after it, too little is
    // left for a third.
    const error = await api(url, { retry: false }).wait_for_sync_obs({ data_annotation_id: "282", timeoutMs: 600, intervalMs: 300, maxIntervalMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsWaiterTimeoutError);
    expect((error as ModelArtsWaiterTimeoutError).polls).toBeGreaterThan(1);
    expect(error).toMatchObject({ lastFailure: { error_code: "NETWORK_ERROR", http_status: undefined } });
  });

  it.each([
    ["a 2xx whose body is not JSON", 200, "application/json", '{"is_success":tr', "CLIENT.INVALID_RESPONSE"],
    ["a 501", 501, "text/plain", "not implemented", "HTTP.501"],
    ["a 403", 403, "application/json", '{"error_code":"ModelArts.0203","error_msg":"no permission"}', "ModelArts.0203"],
  ])("does not retry %s: it resolves with the failure", async (_label, code, type, body, error_code) => {
    let served = 0;
    const url = await serve((_req, res) => {
      served += 1;
      res.writeHead(code, { "content-type": type }).end(body);
    });
    expect(await api(url).wait_for_sync_obs({ data_annotation_id: "282", intervalMs: 5 })).toMatchObject({ is_success: false, error_code });
    expect(served).toBe(1);
  });
});
