/**
 * The client's retry policy against a scripted misbehaving server: Retry-After (seconds and
 * HTTP-date) is waited out in full by plain reads, the waiter and the iterator; a longer one than
 * the policy allows is handed to the caller as retry_after_ms; writes are not retried unless the
 * client opts in; and waits are drawn with full jitter below a doubling cap.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { retryAfterMs, retryDelay, DEFAULT_RETRY } from "../../src/api/retry.js";
import { createClient, DataAnnotationsApi, ModelArtsArgumentError, type CreateClientOptions } from "../../src/index.node.js";
import { closedPortUrl, useLoopbackServers } from "../support/loopback.js";

const PROJECT = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const serve = useLoopbackServers();

function api(endpoint: string, options: CreateClientOptions = {}): DataAnnotationsApi {
  return new DataAnnotationsApi(createClient({ endpoint, credentials: { ak: "AK", sk: "sk" }, projectId: PROJECT, env: {}, ...options }));
}

type Answer = (req: IncomingMessage, res: ServerResponse) => void;
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => (_req, res) =>
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
const throttled = (retryAfter: string): Answer => json(429, { error_code: "ModelArts.4206", error_msg: "too many requests" }, { "retry-after": retryAfter });

/** A server that plays `script`, one answer per request, then `rest`; it records when each request came (Date.now()). */
async function scripted(script: Answer[], rest: Answer): Promise<{ url: string; times: number[]; paths: string[] }> {
  const times: number[] = [];
  const paths: string[] = [];
  const url = await serve((req, res) => {
    times.push(Date.now());
    paths.push(req.url ?? "");
    (script.shift() ?? rest)(req, res);
  });
  return { url, times, paths };
}

const STATUS_DONE = json(200, { sync_status: 1 });

describe("Retry-After", () => {
  it("a plain read answered 429 with Retry-After: 2 is retried no sooner than 2 s later", async () => {
    const server = await scripted([throttled("2")], STATUS_DONE);
    const result = await api(server.url).sync_obs_status({ data_annotation_id: "282" });
    expect(result).toEqual({ is_success: true, sync_status: 1 });
    expect(server.times).toHaveLength(2);
    expect(server.times[1]! - server.times[0]!).toBeGreaterThanOrEqual(2_000);
  });

  it("an HTTP-date is waited out until that time", async () => {
    // HTTP-dates have whole seconds: two seconds on from the next whole second.
    const until = (Math.floor(Date.now() / 1000) + 3) * 1000;
    const server = await scripted([throttled(new Date(until).toUTCString())], STATUS_DONE);
    expect(await api(server.url).sync_obs_status({ data_annotation_id: "282" })).toMatchObject({ is_success: true });
    expect(server.times).toHaveLength(2);
    expect(server.times[1]!).toBeGreaterThanOrEqual(until);
  });

  it("a Retry-After longer than maxDelayMs is not waited: the failure comes back with retry_after_ms", async () => {
    const server = await scripted([throttled("120")], STATUS_DONE);
    const result = await api(server.url).sync_obs_status({ data_annotation_id: "282" });
    expect(result).toEqual({
      is_success: false,
      error_code: "ModelArts.4206",
      error_msg: "too many requests",
      http_status: 429,
      request_id: null,
      retry_after_ms: 120_000,
    });
    expect(server.times).toHaveLength(1);
  });

  it("a failure without Retry-After has no retry_after_ms", async () => {
    const server = await scripted([], json(400, { error_code: "ModelArts.4338", error_msg: "bad" }));
    const result = await api(server.url).sync_obs_status({ data_annotation_id: "282" });
    expect(result).toMatchObject({ is_success: false, http_status: 400 });
    expect(result).not.toHaveProperty("retry_after_ms");
  });

  it("the waiter's poll honours Retry-After: 2", async () => {
    const server = await scripted([json(200, { sync_status: 3 }), throttled("2")], STATUS_DONE);
    const result = await api(server.url).wait_for_sync_obs({ data_annotation_id: "282", intervalMs: 10, maxIntervalMs: 10 });
    expect(result).toMatchObject({ is_success: true, sync_status: 1 });
    expect(server.times).toHaveLength(3);
    expect(server.times[2]! - server.times[1]!).toBeGreaterThanOrEqual(2_000);
  });

  it("the waiter does not wait out a Retry-After past its deadline, and reports the last failure then", async () => {
    const server = await scripted([], throttled("10"));
    const started = Date.now();
    const error = await api(server.url).wait_for_sync_obs({ data_annotation_id: "282", timeoutMs: 1_500, intervalMs: 100 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ModelArtsWaiterTimeoutError", lastFailure: { error_code: "ModelArts.4206", http_status: 429 } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.times).toHaveLength(1);
  });

  it("the iterator's page honours Retry-After: 2", async () => {
    const image = (i: number) => ({ image_id: `img${i}`, url: `obs://b/${i}.jpg`, tags: ["cat"] });
    const pageAnswer: Answer = (req, res) => {
      const page = Number(new URL(req.url ?? "/", "http://x").searchParams.get("page"));
      json(200, { images: page === 1 ? [image(1)] : [image(2)], total: 2 })(req, res);
    };
    const server = await scripted([pageAnswer, throttled("2")], pageAnswer);
    const ids: string[] = [];
    for await (const listed of api(server.url).iterate_images_by_tag({ data_annotation_id: "282" })) ids.push(listed.image_id);
    expect(ids).toEqual(["img1", "img2"]);
    expect(server.times).toHaveLength(3);
    expect(server.times[2]! - server.times[1]!).toBeGreaterThanOrEqual(2_000);
  });
});

describe("what is retried", () => {
  it.each([429, 500, 502, 503, 504])("a read answered %i is retried", async (status) => {
    const server = await scripted([json(status, { error_code: "ModelArts.0000", error_msg: "x" })], STATUS_DONE);
    expect(await api(server.url, { retry: { baseDelayMs: 10 } }).sync_obs_status({ data_annotation_id: "282" })).toMatchObject({ is_success: true });
    expect(server.times).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 501])("a read answered %i is not", async (status) => {
    const server = await scripted([json(status, { error_code: "ModelArts.0000", error_msg: "x" })], STATUS_DONE);
    expect(await api(server.url, { retry: { baseDelayMs: 10 } }).sync_obs_status({ data_annotation_id: "282" })).toMatchObject({ is_success: false, http_status: status });
    expect(server.times).toHaveLength(1);
  });

  it("gives up after maxRetries, returning the last failure", async () => {
    const server = await scripted([], json(503, { error_code: "ModelArts.4302", error_msg: "busy" }));
    expect(await api(server.url, { retry: { baseDelayMs: 10, maxRetries: 2 } }).sync_obs_status({ data_annotation_id: "282" })).toMatchObject({ http_status: 503 });
    expect(server.times).toHaveLength(3);
  });

  it("a write (POST sync_obs) answered 503 is not retried by default, and is with retryWrites", async () => {
    const busy = json(503, { error_code: "ModelArts.4302", error_msg: "busy" });
    const first = await scripted([busy], json(200, {}));
    expect(await api(first.url, { retry: { baseDelayMs: 10 } }).sync_obs({ data_annotation_id: "282" })).toMatchObject({ is_success: false, http_status: 503 });
    expect(first.times).toHaveLength(1);
    const second = await scripted([busy], json(200, {}));
    expect(await api(second.url, { retry: { baseDelayMs: 10, retryWrites: true } }).sync_obs({ data_annotation_id: "282" })).toMatchObject({ is_success: true });
    expect(second.times).toHaveLength(2);
  });

  it("a read whose connection was dropped before the answer is retried", async () => {
    let dropped = false;
    const server = await scripted([], (req, res) => {
      if (!dropped) {
        dropped = true;
        return req.socket.destroy();
      }
      STATUS_DONE(req, res);
    });
    expect(await api(server.url, { retry: { baseDelayMs: 10 } }).sync_obs_status({ data_annotation_id: "282" })).toMatchObject({ is_success: true });
    expect(server.times).toHaveLength(2);
  });

  it("retry: false turns retries off", async () => {
    const server = await scripted([json(503, { error_code: "ModelArts.4302", error_msg: "busy" })], STATUS_DONE);
    expect(await api(server.url, { retry: false }).sync_obs_status({ data_annotation_id: "282" })).toMatchObject({ http_status: 503 });
    expect(server.times).toHaveLength(1);
  });

  it("a refused connection is retried for a write with retryWrites (nothing was sent), then thrown", async () => {
    const url = await closedPortUrl();
    let attempts = 0;
    const client = createClient({
      endpoint: url,
      credentials: { ak: "AK", sk: "sk" },
      projectId: PROJECT,
      env: {},
      retry: { baseDelayMs: 10, retryWrites: true },
      fetch: (request) => {
        attempts += 1;
        return fetch(request);
      },
    });
    await expect(new DataAnnotationsApi(client).sync_obs({ data_annotation_id: "282" })).rejects.toMatchObject({ name: "ModelArtsNetworkError" });
    expect(attempts).toBe(4);
  });

  it.each([{ maxRetries: -1 }, { baseDelayMs: 1.5 }, { retryWrites: "yes" }, "often"])("refuses retry %j", (retry) => {
    expect(() => createClient({ endpoint: "http://127.0.0.1:9", credentials: { ak: "AK", sk: "sk" }, env: {}, retry: retry as never })).toThrow(ModelArtsArgumentError);
  });
});

describe("the schedule", () => {
  it("full jitter: each wait is drawn from [0, min(maxDelayMs, baseDelayMs * 2^retry))", () => {
    const policy = { ...DEFAULT_RETRY, maxRetries: 10, baseDelayMs: 100, maxDelayMs: 1_000 };
    for (let retry = 0; retry < 6; retry += 1) {
      const waits = Array.from({ length: 2_000 }, () => retryDelay(policy, retry, undefined, Infinity)!);
      const cap = Math.min(1_000, 100 * 2 ** retry);
      expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...waits)).toBeLessThan(cap);
      // Spread over the whole range, not bunched at its top (what plain backoff would do).
      expect(Math.min(...waits)).toBeLessThan(cap * 0.1);
      expect(Math.max(...waits)).toBeGreaterThan(cap * 0.9);
    }
    expect(retryDelay(policy, 10, undefined, Infinity)).toBeUndefined();
    // A wait that would end past the deadline is not taken.
    expect(retryDelay(policy, 0, 500, performance.now() + 100)).toBeUndefined();
  });

  it("reads Retry-After as seconds or an HTTP-date, and ignores anything else", () => {
    const now = Date.parse("Tue, 01 Dec 2026 12:00:00 GMT");
    expect(retryAfterMs("2", now)).toBe(2_000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs("Tue, 01 Dec 2026 12:00:05 GMT", now)).toBe(5_000);
    expect(retryAfterMs("Tue, 01 Dec 2026 11:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs("-1", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

describe("bogus sync_status values are invalid answers, reported at once", () => {
  it.each([['"1"', "1"], ["{}", {}], ["null", null], ["7", 7], ["missing", undefined]])("%s", async (_label, value) => {
    const server = await scripted([], json(200, value === undefined ? {} : { sync_status: value }));
    const started = Date.now();
    const result = await api(server.url).wait_for_sync_obs({ data_annotation_id: "282", timeoutMs: 60_000, intervalMs: 10 });
    expect(result).toMatchObject({ is_success: false, error_code: "CLIENT.INVALID_RESPONSE", http_status: 200 });
    expect(result.is_success ? "" : result.error_msg).toContain("is not 0, 1, 2 or 3");
    expect(server.times).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("service text in library error messages", () => {
  it("control characters (an ANSI escape, a line break) are escaped in the message and kept as sent in error_msg", async () => {
    const msg = "\u001b[2J\u001b[31mfake\nERROR forged line\u0007";
    const server = await scripted([], json(400, { error_code: "ModelArts.4338\r", error_msg: msg }));
    const error = await api(server.url)
      .iterate_images_by_tag({ data_annotation_id: "282" })
      .next()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ModelArtsServiceError", error_msg: msg });
    const message = (error as Error).message;
    expect(message).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(message).toContain("ModelArts.4338\\u000d (HTTP 400): \\u001b[2J\\u001b[31mfake\\u000aERROR forged line\\u0007");
  });
});
