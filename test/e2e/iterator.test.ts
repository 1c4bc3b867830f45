/**
 * iterate_images_by_tag against the emulator over loopback, on a job of 2,500 images: every
 * image once, pages requested only as the consumer reaches them, early exits that stop
 * requesting, filters, the service's errors and the retries of its passing ones (0.5 s, 1 s and 2 s
 * of real backoff, which the fault tests wait out). Page requests are counted by wrapping the
 * fixture's recording (real) fetch, and every exchange is checked against the contract.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  createClient,
  DataAnnotationsApi,
  ModelArtsAbortError,
  ModelArtsNetworkError,
  ModelArtsServiceError,
  type CallOptions,
  type CreateClientOptions,
  type IterateImagesByTagParams,
  type ListedImage,
} from "../../src/index.node.js";
import type { EmulatorJob } from "../../src/emulator/index.js";
import { TEST_AK, TEST_PROJECT_ID, TEST_SK, useEmulator, withEmulator, type EmulatorFixture } from "../support/emulator.js";
import { expectRefusal } from "../support/refusal.js";
import { FAKE_JPEG } from "../support/images.js";

const BIG: EmulatorJob = { id: "300", name: "big", data_path: "obs://bucket/big/", project_id: TEST_PROJECT_ID, type: 0 };
const IMAGES = 2_500;
const IMAGES_PATH = "/v1/{project_id}/data-annotations/{data_annotation_id}/images" as const;

function apiFor(fixture: EmulatorFixture, options: CreateClientOptions = {}) {
  const requests: URL[] = [];
  const fetch = (request: Request): Promise<Response> => {
    requests.push(new URL(request.url));
    return fixture.contract.fetch(request);
  };
  const client = createClient({ endpoint: fixture.url, credentials: { ak: TEST_AK, sk: TEST_SK }, projectId: TEST_PROJECT_ID, env: {}, fetch, ...options });
  const pageRequests = () => requests.filter((url) => url.pathname.endsWith(`/data-annotations/${BIG.id}/images`));
  return { das: new DataAnnotationsApi(client), requests, pageRequests };
}

/** The recorded show_images_by_tag exchanges of the big job, with their answers. */
const pageListings = (fixture: EmulatorFixture) =>
  fixture.contract.exchanges.filter((e) => e.request.method === "GET" && new URL(e.request.url).pathname.endsWith(`/data-annotations/${BIG.id}/images`));

async function collect(iterable: AsyncIterable<ListedImage>): Promise<ListedImage[]> {
  const all: ListedImage[] = [];
  for await (const image of iterable) all.push(image);
  return all;
}

/**
 * The big job's images, in key order, and how they are tagged: every image carries one tag, so
 * the unfiltered listing (every labelled image) is all 2,500 of them.
 */
interface BigJob {
  ids: string[];
  cats: string[];
  dogs: string[];
}

/**
 * Writing and scanning 2,500 files takes seconds, so the tests of this suite share one emulator
 * and only read from it; the contract is still checked after each test, as useEmulator does.
 */
function useBigJob(): () => EmulatorFixture & BigJob {
  let fixture: (EmulatorFixture & BigJob) | undefined;
  beforeAll(async () => {
    const emulator = await withEmulator({ jobs: [BIG], folders: ["bucket/big"] });
    try {
      await Promise.all(Array.from({ length: IMAGES }, (_, i) => writeFile(join(emulator.obs.path, "bucket", "big", `img-${String(i).padStart(4, "0")}.jpg`), FAKE_JPEG)));
      // Writing and scanning 2,500 files: generous limits, since a loaded CI machine is slow at it.
      expect(await emulator.syncAndWait(BIG.id, undefined, { timeoutMs: 60_000 })).toBe(1);
      const ids = emulator.emulator.job(BIG.id)!.images.map((image) => image.image_id);
      expect(ids).toHaveLength(IMAGES);
      // 230 cats (three pages of 100, the last short), 200 dogs (two full pages), the rest "other".
      const cats = ids.filter((_, i) => i % 10 === 3).slice(0, 230);
      const dogs = ids.filter((_, i) => i % 10 === 7).slice(0, 200);
      const tagOf = (id: string) => (cats.includes(id) ? "cat" : dogs.includes(id) ? "dog" : "other");
      for (let i = 0; i < IMAGES; i += 1000) {
        const images = ids.slice(i, i + 1000).map((image_id) => ({ image_id, tags: [tagOf(image_id)] }));
        const { response } = await emulator.client.PUT(IMAGES_PATH, { params: { path: { project_id: TEST_PROJECT_ID, data_annotation_id: BIG.id } }, body: { images } });
        expect(response.status).toBe(204);
      }
      fixture = Object.assign(emulator, { ids, cats, dogs });
    } catch (error) {
      await emulator.close();
      throw error;
    }
  }, 120_000);
  afterEach(async () => {
    try {
      await fixture?.contract.assertNoViolations();
    } finally {
      fixture?.contract.clear();
    }
  });
  afterAll(async () => {
    await fixture?.close();
  });
  return () => {
    if (fixture === undefined) throw new Error("the big job is only available inside a test");
    return fixture;
  };
}


describe("a job of 2,500 images", () => {
  const env = useBigJob();

  test("yields every image once, requesting page n+1 only after the last image of page n is taken", async () => {
    const { das, pageRequests } = apiFor(env());
    const iterator = das.iterate_images_by_tag({ data_annotation_id: BIG.id, per_page: 100 });
    expect(pageRequests()).toHaveLength(0);

    const seen: string[] = [];
    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      seen.push(step.value.image_id);
      expect(pageRequests()).toHaveLength(Math.ceil(seen.length / 100));
    }
    expect(seen).toHaveLength(IMAGES);
    expect(new Set(seen).size).toBe(IMAGES);
    expect(seen).toEqual(env().ids);
    // The 25th page is full, but the total says it was the last: no page 26 is asked for.
    expect(pageRequests().map((url) => [url.searchParams.get("page"), url.searchParams.get("per_page"), url.searchParams.get("tag_name")])).toEqual(
      Array.from({ length: 25 }, (_, i) => [String(i + 1), "100", null]),
    );
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(pageRequests()).toHaveLength(25);
  });

  test("holds no page but the current one: the images of a page it left can be garbage-collected", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const { das } = apiFor(env());
    const iterator = das.iterate_images_by_tag({ data_annotation_id: BIG.id, per_page: 100 });
    // Only weak references to the first page's images, so that nothing here keeps them alive.
    const firstPage: WeakRef<ListedImage>[] = [];
    for (let i = 0; i < 100; i++) firstPage.push(new WeakRef((await iterator.next()).value as ListedImage));
    const alive = () => firstPage.filter((ref) => ref.deref() !== undefined).length;

    // Still on page 1: the iterator holds it, so nothing can go, whatever the collector does.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(alive()).toBeGreaterThan(0);

    // Into page 2: page 1 must be unreachable from the iterator now.
    expect((await iterator.next()).done).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(alive()).toBe(0);
    await iterator.return();
  });

  test("break stops the requests", async () => {
    const { das, pageRequests } = apiFor(env());
    const iterator = das.iterate_images_by_tag({ data_annotation_id: BIG.id, per_page: 100 });
    let taken = 0;
    for await (const image of iterator) {
      expect(image.tags).toHaveLength(1);
      if (++taken === 150) break;
    }
    expect(pageRequests()).toHaveLength(2);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(pageRequests()).toHaveLength(2);
  });

  test("a tag filter ends at its total, whether the last page is short or full, or at an empty page", async () => {
    const { das, pageRequests, requests } = apiFor(env());
    const cats = await collect(das.iterate_images_by_tag({ data_annotation_id: BIG.id, tag_name: "cat", per_page: 100 }));
    expect(cats.map((image) => image.image_id)).toEqual(env().cats);
    expect(cats.every((image) => image.tags.includes("cat"))).toBe(true);
    expect(pageRequests()).toHaveLength(3); // 100, 100, then 30

    requests.length = 0;
    const dogs = await collect(das.iterate_images_by_tag({ data_annotation_id: BIG.id, tag_name: "dog", per_page: 100 }));
    expect(dogs.map((image) => image.image_id)).toEqual(env().dogs);
    expect(pageRequests()).toHaveLength(2);

    requests.length = 0;
    expect(await collect(das.iterate_images_by_tag({ data_annotation_id: BIG.id, tag_name: "__none__", per_page: 100 }))).toEqual([]);
    expect(pageRequests()).toHaveLength(1);
  });

  test("without per_page the service's page size is used, and the walk ends at the total", async () => {
    const { das, pageRequests } = apiFor(env());
    const cats = await collect(das.iterate_images_by_tag({ data_annotation_id: BIG.id, tag_name: "cat" }));
    expect(cats.map((image) => image.image_id)).toEqual(env().cats);
    expect(pageRequests()).toHaveLength(23); // the emulator's default of 10 per page
    expect(pageRequests().every((url) => !url.searchParams.has("per_page"))).toBe(true);
  });

  test("two 503s on a later page are retried by the client's policy, and the walk still yields every image", async () => {
    const { das, pageRequests } = apiFor(env());
    const iterator = das.iterate_images_by_tag({ data_annotation_id: BIG.id, per_page: 100 });
    const seen: string[] = [];
    let pageTwoTook = 0;
    for (;;) {
      const started = performance.now();
      if (seen.length === 100) env().emulator.injectFault({ operationId: "show_images_by_tag", status: 503, times: 2 });
      const step = await iterator.next();
      if (seen.length === 100) pageTwoTook = performance.now() - started;
      if (step.done) break;
      seen.push(step.value.image_id);
    }
    expect(seen).toEqual(env().ids);
    // Full jitter: the two waits are drawn below 0.5 s and 1 s.
    expect(pageTwoTook).toBeLessThan(1_500 + 1_000);
    expect(pageListings(env()).map((e) => [new URL(e.request.url).searchParams.get("page"), e.response.status]).slice(0, 4)).toEqual([
      ["1", 200],
      ["2", 503],
      ["2", 503],
      ["2", 200],
    ]);
    expect(pageRequests()).toHaveLength(25 + 2);
  });

  test("four 503s in a row on one page throw ModelArtsServiceError with the last, and end the walk", async () => {
    const { das, pageRequests } = apiFor(env());
    const iterator = das.iterate_images_by_tag({ data_annotation_id: BIG.id, per_page: 100 });
    for (let i = 0; i < 100; i++) expect((await iterator.next()).done).toBe(false);
    env().emulator.injectFault({ operationId: "show_images_by_tag", status: 503, times: 4 });
    const error = await iterator.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsServiceError);
    const pages = pageListings(env());
    expect(error).toMatchObject({
      code: "SERVICE_ERROR",
      error_code: "ModelArts.4302",
      http_status: 503,
      operation: "show_images_by_tag",
      request_id: pages.at(-1)!.response.headers["x-request-id"],
    });
    expect((error as Error).message).toContain("(page 2)");
    expect(pages.map((e) => e.response.status)).toEqual([200, 503, 503, 503, 503]);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(pageRequests()).toHaveLength(5);
  });

  test("the call options apply to each page request: aborting stops the walk at the next page", async () => {
    const { das, pageRequests } = apiFor(env());
    const controller = new AbortController();
    const options: CallOptions = { signal: controller.signal, timeoutMs: 5_000 };
    const iterator = das.iterate_images_by_tag({ data_annotation_id: BIG.id, per_page: 100 }, options);
    for (let i = 0; i < 100; i++) await iterator.next();
    controller.abort();
    const error = await iterator.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsAbortError);
    expect(error).not.toBeInstanceOf(ModelArtsNetworkError);
    expect(error).toMatchObject({ code: "ABORTED", operation: "show_images_by_tag" });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(pageRequests().length).toBeLessThanOrEqual(2);
  });
});

describe("errors", () => {
  const env = useEmulator({ jobs: [BIG], objects: { "bucket/big/a.jpg": FAKE_JPEG } });

  test("a service error on a page is thrown as ModelArtsServiceError with its fields", async () => {
    const { das, requests } = apiFor(env());
    const iterator = das.iterate_images_by_tag({ data_annotation_id: "999", per_page: 100 });
    const error = await iterator.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsServiceError);
    expect(error).toMatchObject({
      name: "ModelArtsServiceError",
      code: "SERVICE_ERROR",
      error_code: "ModelArts.4338",
      error_msg: expect.any(String),
      http_status: 400,
      request_id: expect.stringMatching(/\S/),
      operation: "show_images_by_tag",
    });
    expect((error as Error).message).toMatch(/^show_images_by_tag \(page 1\): ModelArts\.4338 \(HTTP 400\): /);
    expect(requests).toHaveLength(1);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(requests).toHaveLength(1);
  });

  const bad: Array<[string, IterateImagesByTagParams, CallOptions, string]> = [
    ["a malformed data_annotation_id", { data_annotation_id: "28/2" }, {}, "data_annotation_id"],
    ["per_page 0", { data_annotation_id: BIG.id, per_page: 0 }, {}, "per_page"],
    ["per_page 101", { data_annotation_id: BIG.id, per_page: 101 }, {}, "per_page"],
    ["a page, which the iterator chooses", { data_annotation_id: BIG.id, page: 2 } as never, {}, "page"],
    ["an unknown parameter", { data_annotation_id: BIG.id, perpage: 5 } as never, {}, "perpage"],
    ["a bad per-call timeout", { data_annotation_id: BIG.id }, { timeoutMs: -1 }, "timeoutMs"],
    ["a signal that is not an AbortSignal", { data_annotation_id: BIG.id }, { signal: {} as AbortSignal }, "signal"],
  ];
  test.each(bad)("%s is refused when the iterator is made, before any request", async (_, params, options, parameter) => {
    const { das, requests } = apiFor(env());
    let error: unknown;
    try {
      das.iterate_images_by_tag(params, options);
    } catch (e) {
      error = e;
    }
    expectRefusal(error, parameter);
    // A for-await over the call sees the same error, in its own try.
    await expect(collect({ [Symbol.asyncIterator]: () => das.iterate_images_by_tag(params, options) })).rejects.toBeInstanceOf((error as object).constructor);
    expect(requests).toHaveLength(0);
    expect(env().contract.exchanges).toHaveLength(0);
  });

  test("a missing project_id, with no default in the client, is refused the same way", () => {
    const { das, requests } = apiFor(env(), { projectId: undefined });
    expect(() => das.iterate_images_by_tag({ data_annotation_id: BIG.id })).toThrow(/project_id.*is required: pass it, or give the client a projectId/);
    expect(requests).toHaveLength(0);
  });
});
