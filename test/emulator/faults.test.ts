/**
 * injectFault: the spec's 429/500/503 answers on demand, over real HTTP. The fixture
 * checks every exchange against the spec, so each injected answer is also a declared one
 * (status, ErrorResponse body, X-Request-Id, and no header the spec does not declare).
 */
import { describe, expect, test } from "vitest";
import spec from "../../generated/openapi.json" with { type: "json" };
import type { EmulatorHandle, EmulatorJob } from "../../src/emulator/index.js";
import { imageIdOf } from "../../src/emulator/obs.js";
import { API } from "../support/client.js";
import { TEST_AK, TEST_PROJECT_ID, useEmulator, withEmulator } from "../support/emulator.js";
import { tinyPng } from "../support/images.js";

const CATS: EmulatorJob = { id: "282", name: "cats", data_path: "obs://bucket/cats/", project_id: TEST_PROJECT_ID, type: 0 };
const OBJECTS = { "bucket/cats/a.png": tinyPng(), "bucket/cats/b.png": tinyPng() };
const A = imageIdOf("bucket", "cats/a.png");
const path = { project_id: TEST_PROJECT_ID, data_annotation_id: CATS.id };

/** The spec's own example answers for the three statuses. */
const EXAMPLES = {
  429: spec.components.examples.TooManyRequests.value,
  500: spec.components.examples.InternalError.value,
  503: spec.components.examples.ServiceUnavailable.value,
};

const logs: string[] = [];
const env = useEmulator(() => {
  logs.length = 0;
  return { jobs: [CATS], objects: OBJECTS, maxBodyBytes: 4096, logger: (line: string) => logs.push(line) };
});

const status = async () => (await env().client.GET(API.syncStatus, { params: { path } })).response.status;
const errorOf = (result: { response: Response; error?: unknown }) => ({
  status: result.response.status,
  code: (result.error as { error_code?: string } | undefined)?.error_code,
});

describe("the answers", () => {
  test.each([429, 500, 503] as const)("%i: the spec's example body, an X-Request-Id, JSON, no Retry-After", async (code) => {
    env().emulator.injectFault({ operationId: "sync_obs", status: code });
    const { response, error } = await env().client.POST(API.sync, { params: { path } });
    expect(response.status).toBe(code);
    // The 429 message names the API; the spec's example is for sync_obs, so it matches word for word.
    expect(error).toEqual(EXAMPLES[code]);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(response.headers.get("content-type")).toBe("application/json");
    // The spec declares no Retry-After; the contract check would not catch an extra header.
    expect(response.headers.get("retry-after")).toBeNull();
  });

  test("a 429 names the operation that was throttled", async () => {
    env().emulator.injectFault({ operationId: "query_tag_list", status: 429 });
    const { error } = await env().client.GET(API.tags, { params: { path } });
    expect(error).toEqual({ error_code: "ModelArts.4206", error_msg: "Too many requests, reached api query_tag_list." });
  });

  test("the request log marks an injected answer", async () => {
    env().emulator.injectFault({ status: 503 });
    await status();
    expect(logs.at(-1)).toMatch(/ GET \/v1\/\S+\/obs\/sync-status 503 ModelArts\.4302 \(injected fault\) /);
    await status();
    expect(logs.at(-1)).not.toContain("injected");
  });
});

describe("which requests take a fault", () => {
  test("one request by default, then the operation works again", async () => {
    env().emulator.injectFault({ operationId: "sync_obs_status", status: 500 });
    expect(await status()).toBe(500);
    expect(await status()).toBe(200);
  });

  test("times: that many requests in a row", async () => {
    env().emulator.injectFault({ operationId: "sync_obs_status", status: 503, times: 3 });
    expect([await status(), await status(), await status(), await status()]).toEqual([503, 503, 503, 200]);
  });

  test("an operationId limits the fault to that operation; other operations pass untouched", async () => {
    env().emulator.injectFault({ operationId: "query_tag_list", status: 429 });
    expect(await status()).toBe(200);
    expect((await env().client.GET(API.tagsStats, { params: { path } })).response.status).toBe(200);
    expect((await env().client.GET(API.tags, { params: { path } })).response.status).toBe(429);
    expect((await env().client.GET(API.tags, { params: { path } })).response.status).toBe(200);
  });

  test("without an operationId, any operation takes it", async () => {
    env().emulator.injectFault({ status: 500, times: 2 });
    expect((await env().client.GET(API.tags, { params: { path } })).response.status).toBe(500);
    expect((await env().client.GET(API.validation, { params: { path: { project_id: TEST_PROJECT_ID, job_id: CATS.id } } })).response.status).toBe(500);
    expect(await status()).toBe(200);
  });

  test("faults fire in the order injected; each request takes the earliest that matches it", async () => {
    const { emulator } = env();
    emulator.injectFault({ operationId: "sync_obs_status", status: 429, times: 2 });
    emulator.injectFault({ status: 503 });
    emulator.injectFault({ operationId: "sync_obs_status", status: 500 });
    // The any-operation fault is the earliest match for query_tag_list, though queued second.
    expect((await env().client.GET(API.tags, { params: { path } })).response.status).toBe(503);
    expect([await status(), await status(), await status(), await status()]).toEqual([429, 429, 500, 200]);
  });

  test("token-authenticated requests take faults like signed ones", async () => {
    env().emulator.injectFault({ status: 429 });
    expect((await env().tokenClient.GET(API.syncStatus, { params: { path } })).response.status).toBe(429);
  });

  test("requests refused before validation ends (401, 403, 400, 404, 413) neither get nor use up a fault", async () => {
    const { emulator, clientWith, send } = env();
    emulator.injectFault({ status: 503 });
    expect(errorOf(await clientWith({ ak: TEST_AK, sk: "wrong-sk" }).GET(API.syncStatus, { params: { path } }))).toEqual({ status: 401, code: "ModelArts.0208" });
    expect(errorOf(await clientWith({ token: "not-a-token" }).GET(API.syncStatus, { params: { path } }))).toEqual({ status: 401, code: "ModelArts.0203" });
    expect((await send({ method: "GET", path: `/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/obs/sync-status`, headers: { "X-Project-Id": "another-project" } })).status).toBe(403);
    const badPage = await env().client.GET(API.images, { params: { path, query: { per_page: 0 } } });
    expect(errorOf(badPage)).toEqual({ status: 400, code: "ModelArts.0104" });
    const badJson = await send({ method: "POST", path: `/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/tags/show`, headers: { "Content-Type": "application/json" }, body: "{" });
    expect(badJson.status).toBe(400);
    const tooLarge = await send({ method: "POST", path: `/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/tags/show`, headers: { "Content-Type": "application/json" }, body: JSON.stringify({ image_id: ["x".repeat(5000)] }) });
    expect(tooLarge.status).toBe(413);
    expect((await send({ method: "GET", path: `/v1/${TEST_PROJECT_ID}/no-such-api` })).status).toBe(404);
    expect(await status()).toBe(503);
    expect(await status()).toBe(200);
  });

  test("a request for an unknown job takes the fault: the fault comes before the handler looks anything up", async () => {
    env().emulator.injectFault({ status: 500 });
    const unknown = { project_id: TEST_PROJECT_ID, data_annotation_id: "999" };
    expect(errorOf(await env().client.GET(API.tags, { params: { path: unknown } }))).toEqual({ status: 500, code: "ModelArts.6102" });
    expect(errorOf(await env().client.GET(API.tags, { params: { path: unknown } }))).toEqual({ status: 400, code: "ModelArts.4338" });
  });

  test("faults belong to the emulator they were injected into", async () => {
    const other = await withEmulator({ jobs: [CATS], objects: OBJECTS });
    try {
      env().emulator.injectFault({ status: 500 });
      expect((await other.client.GET(API.syncStatus, { params: { path } })).response.status).toBe(200);
      expect(await status()).toBe(500);
      await other.contract.assertNoViolations();
    } finally {
      await other.close();
    }
  });
});

describe("a faulted request changes nothing", () => {
  const snapshot = (emulator: EmulatorHandle) => emulator.job(CATS.id);

  test("a faulted sync_obs starts no sync; the next one does", async () => {
    const { emulator, client } = env();
    emulator.injectFault({ operationId: "sync_obs", status: 503 });
    expect((await client.POST(API.sync, { params: { path } })).response.status).toBe(503);
    await emulator.idle();
    expect(snapshot(emulator)).toEqual({ id: CATS.id, sync_status: 0, images: [] });
    expect(await env().syncAndWait(CATS.id)).toBe(1);
    expect(snapshot(emulator)?.images).toHaveLength(2);
  });

  test("faulted writes leave tags and images as they were", async () => {
    const { emulator, client } = env();
    await env().syncAndWait(CATS.id);
    const before = snapshot(emulator);
    emulator.injectFault({ status: 500, times: 3 });
    expect((await client.PUT(API.images, { params: { path }, body: { images: [{ image_id: A, tags: ["cat"] }] } })).response.status).toBe(500);
    expect((await client.DELETE(API.image, { params: { path: { ...path, image_id: A } } })).response.status).toBe(500);
    expect((await client.POST(API.imagesDelete, { params: { path }, body: { image_id: [A] } })).response.status).toBe(500);
    expect(snapshot(emulator)).toEqual(before);
  });
});

describe("argument checks", () => {
  test.each<[string, unknown, RegExp]>([
    ["no argument", undefined, /takes an object \{ operationId\?, status, times\? \}/],
    ["an array", [429], /takes an object/],
    ["an unknown operationId", { operationId: "sync", status: 429 }, /operationId "sync" is not an operation of the spec; it is one of .*sync_obs, sync_obs_status/],
    ["an operationId that is not a string", { operationId: 1, status: 429 }, /operationId 1 is not an operation of the spec/],
    ["no status", { operationId: "sync_obs" }, /status must be one of 429, 500, 503, got undefined/],
    ["a status the spec declares but faults do not cover", { status: 404 }, /status must be one of 429, 500, 503, got 404/],
    ["a status as a string", { status: "503" }, /status must be one of 429, 500, 503, got "503"/],
    ["times 0", { status: 500, times: 0 }, /times must be a whole number >= 1, got 0/],
    ["times negative", { status: 500, times: -2 }, /times must be a whole number >= 1, got -2/],
    ["times fractional", { status: 500, times: 1.5 }, /times must be a whole number >= 1, got 1\.5/],
    ["times infinite", { status: 500, times: Infinity }, /times must be a whole number >= 1, got Infinity/],
    ["times NaN", { status: 500, times: NaN }, /times must be a whole number >= 1, got NaN/],
    ["times as a string", { status: 500, times: "2" }, /times must be a whole number >= 1, got "2"/],
    ["a misspelt option", { status: 500, time: 3 }, /unknown option "time"; it takes operationId, status, times/],
  ])("%s is a TypeError naming the problem", async (_, argument, message) => {
    const inject = env().emulator.injectFault as (fault: unknown) => void;
    expect(() => inject(argument)).toThrow(TypeError);
    expect(() => inject(argument)).toThrow(message);
    // Nothing was queued by the refused call.
    expect(await status()).toBe(200);
  });

  test("times may be left out or given explicitly as undefined", async () => {
    env().emulator.injectFault({ status: 429, times: undefined });
    expect([await status(), await status()]).toEqual([429, 200]);
  });
});
