/**
 * Every operation over real HTTP with the typed client; every exchange is checked
 * against the spec by the fixture (useEmulator fails a test on a contract violation).
 */
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { describe, expect, test } from "vitest";
import spec from "../../generated/openapi.json" with { type: "json" };
import type { EmulatorJob } from "../../src/emulator/index.js";
import { imageIdOf } from "../../src/emulator/obs.js";
import { API } from "../support/client.js";
import { useEmulator, withEmulator, TEST_PROJECT_ID, TEST_TOKEN } from "../support/emulator.js";
import { FAKE_JPEG, tinyPng, type ObsObjects } from "../support/images.js";

const CATS: EmulatorJob = { id: "282", name: "cats", data_path: "obs://bucket/cats/", project_id: TEST_PROJECT_ID, description: "Cats", type: 0 };
const BOXES: EmulatorJob = { id: "283", name: "boxes", data_path: "obs://bucket/boxes/", type: 1 };
const FOREIGN: EmulatorJob = { id: "284", name: "foreign", data_path: "obs://bucket/cats/", project_id: "other-project", type: 0 };
const MISSING: EmulatorJob = { id: "285", name: "missing", data_path: "obs://bucket/missing/", type: 0 };
const JOBS = [CATS, BOXES, FOREIGN, MISSING];

const CAT_NAMES = Array.from({ length: 12 }, (_, i) => `img-${String(i + 1).padStart(2, "0")}.png`);
const OBJECTS: ObsObjects = {
  ...Object.fromEntries(CAT_NAMES.map((name) => [`bucket/cats/${name}`, tinyPng(4, 3)])),
  "bucket/cats/sub/zz.jpg": FAKE_JPEG,
  "bucket/cats/readme.txt": "not an image",
  "bucket/boxes/x.png": tinyPng(100, 80),
  "bucket/boxes/y.png": tinyPng(60, 40),
};

const catId = (name: string): string => imageIdOf("bucket", `cats/${name}`);
const boxId = (name: string): string => imageIdOf("bucket", `boxes/${name}`);
const UNKNOWN_IMAGE = "0123456789abcdef0123456789abcdef";

const env = useEmulator({ jobs: JOBS, objects: OBJECTS });

const job = (id: string, project = TEST_PROJECT_ID) => ({ project_id: project, data_annotation_id: id });

/** The error body of a result, after checking status and code (and, optionally, words of the message). */
async function expectError(result: { response: Response; error?: unknown }, status: number, code: string, messagePart?: string) {
  expect({ status: result.response.status, code: (result.error as { error_code?: string } | undefined)?.error_code }).toEqual({ status, code });
  if (messagePart !== undefined) expect((result.error as { error_msg: string }).error_msg).toContain(messagePart);
  return result.error as { error_code: string; error_msg: string };
}

async function syncAll(): Promise<void> {
  expect(await env().syncAndWait(CATS.id)).toBe(1);
  expect(await env().syncAndWait(BOXES.id)).toBe(1);
}

async function tag(jobId: string, images: { image_id: string; tags: string[] }[]): Promise<void> {
  const { response } = await env().client.PUT(API.images, { params: { path: job(jobId) }, body: { images } });
  expect(response.status).toBe(204);
}

describe("sync_obs and sync_obs_status", () => {
  // Long enough for the next request to see state 3 even on a busy machine.
  const slow = useEmulator({ jobs: JOBS, objects: OBJECTS, syncDelayMs: 1000 });

  test("0 before any sync, 3 while it runs (a second sync is refused), then 1, with the images in place", async () => {
    const { client } = slow();
    const status = async () => (await client.GET(API.syncStatus, { params: { path: job(CATS.id) } })).data?.sync_status;
    expect(await status()).toBe(0);

    const started = await client.POST(API.sync, { params: { path: job(CATS.id) } });
    expect(started.response.status).toBe(202);
    expect(started.data).toEqual({ is_success: true });
    expect(await status()).toBe(3);
    await expectError(await client.POST(API.sync, { params: { path: job(CATS.id) } }), 400, "ModelArts.4355", "Sync data source task exist");

    await slow().emulator.idle();
    expect(await status()).toBe(1);
    expect(slow().emulator.job(CATS.id)?.images).toHaveLength(13);
  });

  test("syncAndWait gives up with a clear error on a sync that stays in state 3", async () => {
    const stuck = await withEmulator({ jobs: JOBS, objects: OBJECTS, syncDelayMs: 60_000 });
    try {
      await expect(stuck.syncAndWait(CATS.id, undefined, { timeoutMs: 300 })).rejects.toThrow(`the sync of job ${CATS.id} was still running (sync_status 3) after 300 ms`);
      await stuck.contract.assertNoViolations();
    } finally {
      await stuck.close();
    }
  });

  test("0 → 3 → 2 when the folder does not exist, and the failed scan changes no images", async () => {
    const { client } = slow();
    const status = async () => (await client.GET(API.syncStatus, { params: { path: job(MISSING.id) } })).data?.sync_status;
    expect(await status()).toBe(0);
    expect((await client.POST(API.sync, { params: { path: job(MISSING.id) } })).response.status).toBe(202);
    expect(await status()).toBe(3);
    await slow().emulator.idle();
    expect(await status()).toBe(2);
    expect(slow().emulator.job(MISSING.id)?.images).toEqual([]);

    // Once the folder exists, the next sync succeeds.
    await slow().obs.put({ "bucket/missing/new.png": tinyPng() });
    expect(await slow().syncAndWait(MISSING.id)).toBe(1);
    expect(slow().emulator.job(MISSING.id)?.images).toHaveLength(1);
  });

  test("a re-sync after adding two files and removing one keeps the remaining images' tags and shows the difference", async () => {
    const { client, obs } = env();
    await syncAll();
    await tag(CATS.id, [
      { image_id: catId("img-01.png"), tags: ["cat"] },
      { image_id: catId("img-02.png"), tags: ["cat", "kitten"] },
    ]);
    await obs.put({ "bucket/cats/new-1.png": tinyPng(), "bucket/cats/deeper/new-2.jpeg": FAKE_JPEG });
    await obs.remove("bucket/cats/img-02.png");
    expect(await env().syncAndWait(CATS.id)).toBe(1);

    const labelled = await client.GET(API.images, { params: { path: job(CATS.id) } });
    expect(labelled.data?.images.map((i) => [i.url, i.tags])).toEqual([["obs://bucket/cats/img-01.png", ["cat"]]]);
    const unlabelled = await client.GET(API.images, { params: { path: job(CATS.id), query: { tag_name: "__none__", per_page: 100 } } });
    const urls = unlabelled.data?.images.map((i) => i.url) ?? [];
    expect(urls).toContain("obs://bucket/cats/new-1.png");
    expect(urls).toContain("obs://bucket/cats/deeper/new-2.jpeg");
    expect(urls).not.toContain("obs://bucket/cats/img-02.png");
    expect(unlabelled.data?.total).toBe(13); // 13 before, one tagged, two added, one removed
    const stats = await client.GET(API.tagsStats, { params: { path: job(CATS.id) } });
    expect(stats.data?.tags_stat).toEqual([
      { has_tag: true, count: 1 },
      { has_tag: false, count: 13 },
    ]);
  });

  test("a scan of the job is also refused for the token client while running", async () => {
    const { tokenClient } = slow();
    expect((await tokenClient.POST(API.sync, { params: { path: job(BOXES.id) } })).response.status).toBe(202);
    await expectError(await tokenClient.POST(API.sync, { params: { path: job(BOXES.id) } }), 400, "ModelArts.4355");
  });
});

describe("show_images_by_tag", () => {
  test("answers with the job's attributes and, without tag_name, the labelled images only", async () => {
    await syncAll();
    await tag(CATS.id, [{ image_id: catId("img-03.png"), tags: ["cat"] }]);
    const { data, response } = await env().client.GET(API.images, { params: { path: job(CATS.id) } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(data).toMatchObject({
      is_success: true,
      project_id: 282,
      project_name: "cats",
      project_desc: "Cats",
      project_type: 0,
      version_num: 0,
      data_path: "obs://bucket/cats/",
      versions: [],
      total: 1,
      images: [{ image_id: catId("img-03.png"), url: "obs://bucket/cats/img-03.png", tags: ["cat"], size: [4, 3] }],
    });
    expect(typeof data?.create_time).toBe("number");
  });

  test("__none__ lists the unlabelled images; a tag name lists its images; all by object key", async () => {
    await syncAll();
    await tag(CATS.id, [
      { image_id: catId("img-05.png"), tags: ["dog"] },
      { image_id: catId("img-04.png"), tags: ["cat", "dog"] },
      { image_id: catId("img-06.png"), tags: ["cat"] },
    ]);
    const list = async (tag_name: string) =>
      (await env().client.GET(API.images, { params: { path: job(CATS.id), query: { tag_name, per_page: 100 } } })).data;
    expect((await list("dog"))?.images.map((i) => i.url)).toEqual(["obs://bucket/cats/img-04.png", "obs://bucket/cats/img-05.png"]);
    expect((await list("cat"))?.total).toBe(2);
    expect((await list("bird"))?.images).toEqual([]);
    const none = await list("__none__");
    expect(none?.total).toBe(10);
    const urls = none?.images.map((i) => i.url) ?? [];
    expect(urls).toEqual([...urls].sort());
    expect(urls.at(-1)).toBe("obs://bucket/cats/sub/zz.jpg");
  });

  test("tag names with spaces, reserved characters and non-ASCII survive the round trip through the query", async () => {
    await syncAll();
    const name = "猫 & dog/1+2=3?";
    await tag(CATS.id, [{ image_id: catId("img-10.png"), tags: [name] }]);
    const { data } = await env().client.GET(API.images, { params: { path: job(CATS.id), query: { tag_name: name } } });
    expect(data?.images.map((i) => i.tags)).toEqual([[name]]);
    expect((await env().client.GET(API.tags, { params: { path: job(CATS.id) } })).data?.tags).toEqual([name]);
  });

  test("pages count from 1, per_page defaults to 10, and a page past the end is empty", async () => {
    await syncAll();
    const page = async (query: { page?: number; per_page?: number }) =>
      (await env().client.GET(API.images, { params: { path: job(CATS.id), query: { tag_name: "__none__", ...query } } })).data;
    const first = await page({});
    expect(first?.images).toHaveLength(10);
    expect(first?.total).toBe(13);
    expect((await page({ page: 2 }))?.images).toHaveLength(3);
    expect((await page({ page: 3 }))?.images).toEqual([]);

    const pages = await Promise.all([1, 2, 3, 4, 5].map((n) => page({ page: n, per_page: 3 })));
    expect(pages.map((p) => p?.images.length)).toEqual([3, 3, 3, 3, 1]);
    const ids = pages.flatMap((p) => p?.images.map((i) => i.image_id) ?? []);
    expect(new Set(ids).size).toBe(13);
  });

  test("per_page 0 and 101 and page 0 are parameter errors naming the parameter", async () => {
    const { client } = env();
    await expectError(await client.GET(API.images, { params: { path: job(CATS.id), query: { per_page: 0 } } }), 400, "ModelArts.0104", "per_page");
    const tooMany = await expectError(await client.GET(API.images, { params: { path: job(CATS.id), query: { per_page: 101 } } }), 400, "ModelArts.0104");
    expect(tooMany.error_msg).toBe("Parameter error. per_page: must be at most 100");
    await expectError(await client.GET(API.images, { params: { path: job(CATS.id), query: { page: 0 } } }), 400, "ModelArts.0104", "page");
    await expectError(await env().send({ method: "GET", path: `/v1/${TEST_PROJECT_ID}/data-annotations/282/images?per_page=ten` }).then(asResult), 400, "ModelArts.0104", "per_page: must be integer");
    // Unknown parameters are refused rather than ignored, so that a misspelt one cannot go unnoticed.
    const misspelt = await env().send({ method: "GET", path: `/v1/${TEST_PROJECT_ID}/data-annotations/282/images?perpage=5` }).then(asResult);
    await expectError(misspelt, 400, "ModelArts.0104", "perpage: is not a query parameter of this operation");
  });
});

/** A raw Response as the { response, error } pair the typed client gives. */
async function asResult(response: Response): Promise<{ response: Response; error?: unknown }> {
  const text = await response.clone().text();
  return { response, error: text === "" ? undefined : JSON.parse(text) };
}

describe("tags", () => {
  test("query_tag_list answers each tag in use once, sorted; get_tag_statistics counts per tag and labelled/unlabelled", async () => {
    await syncAll();
    await tag(CATS.id, [
      { image_id: catId("img-01.png"), tags: ["tabby", "cat"] },
      { image_id: catId("img-02.png"), tags: ["cat"] },
      { image_id: catId("img-03.png"), tags: ["Abyssinian"] },
    ]);
    const tags = await env().tokenClient.GET(API.tags, { params: { path: job(CATS.id) } });
    expect(tags.data).toEqual({ is_success: true, tags: ["Abyssinian", "cat", "tabby"] });

    const stats = await env().client.GET(API.tagsStats, { params: { path: job(CATS.id) } });
    expect(stats.data).toEqual({
      is_success: true,
      tag_count: [
        { tag: "Abyssinian", count: 1 },
        { tag: "cat", count: 2 },
        { tag: "tabby", count: 1 },
      ],
      tags_stat: [
        { has_tag: true, count: 3 },
        { has_tag: false, count: 10 },
      ],
    });
  });

  test("an unsynced job has no tags and no images", async () => {
    expect((await env().client.GET(API.tags, { params: { path: job(CATS.id) } })).data?.tags).toEqual([]);
    const stats = await env().client.GET(API.tagsStats, { params: { path: job(CATS.id) } });
    expect(stats.data?.tags_stat).toEqual([
      { has_tag: true, count: 0 },
      { has_tag: false, count: 0 },
    ]);
  });
});

describe("get_image_info_by_id and get_image_info_by_ids", () => {
  test("classification: image_id and tag names; detection: boxes and the size", async () => {
    await syncAll();
    await tag(CATS.id, [{ image_id: catId("img-01.png"), tags: ["cat"] }]);
    const boxes = await env().client.PUT(API.images, {
      params: { path: job(BOXES.id) },
      body: { images: [{ image_id: boxId("x.png"), tags: [{ tag: "bee", pos: [1, 2, 30, 40] }] }], size: [100, 80] },
    });
    expect(boxes.response.status).toBe(204);

    const cat = await env().client.GET(API.imageTags, { params: { path: { ...job(CATS.id), image_id: catId("img-01.png") } } });
    expect(cat.data).toEqual({ is_success: true, image_id: catId("img-01.png"), tags: ["cat"] });
    const box = await env().client.GET(API.imageTags, { params: { path: { ...job(BOXES.id), image_id: boxId("x.png") } } });
    expect(box.data).toEqual({ is_success: true, tags: [{ tag: "bee", pos: [1, 2, 30, 40] }], size: [100, 80] });
    // An unlabelled detection image reports the size read from its file.
    const plain = await env().client.GET(API.imageTags, { params: { path: { ...job(BOXES.id), image_id: boxId("y.png") } } });
    expect(plain.data).toEqual({ is_success: true, tags: [], size: [60, 40] });
  });

  test("several images come back in the order asked; one unknown ID fails the request, naming it", async () => {
    await syncAll();
    await tag(CATS.id, [{ image_id: catId("img-02.png"), tags: ["cat"] }]);
    const ids = [catId("img-07.png"), catId("img-02.png")];
    const { data } = await env().client.POST(API.tagsShow, { params: { path: job(CATS.id) }, body: { image_id: ids } });
    expect(data).toEqual({
      is_success: true,
      images_tags: [
        { image_id: ids[0], tags: [] },
        { image_id: ids[1], tags: ["cat"] },
      ],
    });
    const failed = await env().client.POST(API.tagsShow, { params: { path: job(CATS.id) }, body: { image_id: [ids[0] as string, UNKNOWN_IMAGE] } });
    await expectError(failed, 400, "ModelArts.4420", UNKNOWN_IMAGE);
  });

  test("an unknown image is ModelArts.4420 naming it; a malformed image ID is a parameter error", async () => {
    await syncAll();
    const unknown = await env().client.GET(API.imageTags, { params: { path: { ...job(CATS.id), image_id: UNKNOWN_IMAGE } } });
    await expectError(unknown, 400, "ModelArts.4420", UNKNOWN_IMAGE);
    const malformed = await env().client.GET(API.imageTags, { params: { path: { ...job(CATS.id), image_id: "not.an.id" } } });
    await expectError(malformed, 400, "ModelArts.0104", "image_id");
  });
});

describe("modify_image_info", () => {
  test("replaces tag sets (204), and adds tags to unlabelled images", async () => {
    await syncAll();
    const put = await env().tokenClient.PUT(API.images, {
      params: { path: job(CATS.id) },
      body: { images: [{ image_id: catId("img-01.png"), tags: ["a", "b"], size: [4, 3] }] },
    });
    expect(put.response.status).toBe(204);
    expect(put.response.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(await put.response.text()).toBe("");
    await tag(CATS.id, [{ image_id: catId("img-01.png"), tags: ["c"] }]);
    const { data } = await env().client.GET(API.imageTags, { params: { path: { ...job(CATS.id), image_id: catId("img-01.png") } } });
    expect(data?.tags).toEqual(["c"]);
  });

  test("tags that do not fit the job type are ModelArts.4820, both ways, and change nothing", async () => {
    await syncAll();
    const boxesOnClassification = await env().client.PUT(API.images, {
      params: { path: job(CATS.id) },
      body: { images: [{ image_id: catId("img-01.png"), tags: ["fine"] }, { image_id: catId("img-02.png"), tags: [{ tag: "x", pos: [0, 0, 1, 1] }] }] },
    });
    await expectError(boxesOnClassification, 400, "ModelArts.4820", "Unsupported operation, label task type is image classification");
    const namesOnDetection = await env().client.PUT(API.images, {
      params: { path: job(BOXES.id) },
      body: { images: [{ image_id: boxId("x.png"), tags: ["bee"] }], size: [100, 80] },
    });
    await expectError(namesOnDetection, 400, "ModelArts.4820", "object detection");
    expect((await env().client.GET(API.tags, { params: { path: job(CATS.id) } })).data?.tags).toEqual([]);
  });

  test("one unknown image fails the whole request with ModelArts.4420", async () => {
    await syncAll();
    const result = await env().client.PUT(API.images, {
      params: { path: job(CATS.id) },
      body: { images: [{ image_id: catId("img-01.png"), tags: ["cat"] }, { image_id: UNKNOWN_IMAGE, tags: ["cat"] }] },
    });
    await expectError(result, 400, "ModelArts.4420", UNKNOWN_IMAGE);
    expect((await env().client.GET(API.tags, { params: { path: job(CATS.id) } })).data?.tags).toEqual([]);
  });

  test("detection boxes without an image size are a parameter error", async () => {
    await syncAll();
    const result = await env().client.PUT(API.images, {
      params: { path: job(BOXES.id) },
      body: { images: [{ image_id: boxId("x.png"), tags: [{ tag: "bee", pos: [1, 1, 2, 2] }] }] },
    });
    await expectError(result, 400, "ModelArts.0104", "size");
  });

  test("missing or malformed body fields are parameter errors naming the field", async () => {
    const { client } = env();
    const path = { path: job(CATS.id) };
    await expectError(await client.PUT(API.images, { params: path, body: {} as never }), 400, "ModelArts.0104", "images: is required");
    await expectError(await client.PUT(API.images, { params: path, body: { images: [] } }), 400, "ModelArts.0104", "images");
    await expectError(await client.PUT(API.images, { params: path, body: { images: [{ image_id: catId("img-01.png") }] } as never }), 400, "ModelArts.0104", "images[0].tags: is required");
    await expectError(
      await client.PUT(API.images, { params: path, body: { images: [{ image_id: catId("img-01.png"), tags: [{ tag: "x" }] }] } as never }),
      400,
      "ModelArts.0104",
      "images[0].tags[0]",
    );
  });
});

describe("delete_selected_image and delete_selected_images", () => {
  test("deleting one image answers 204; deleting it again is ModelArts.4420", async () => {
    await syncAll();
    const path = { ...job(CATS.id), image_id: catId("img-01.png") };
    const first = await env().client.DELETE(API.image, { params: { path } });
    expect(first.response.status).toBe(204);
    await expectError(await env().client.DELETE(API.image, { params: { path } }), 400, "ModelArts.4420", catId("img-01.png"));
    expect(env().emulator.job(CATS.id)?.images).toHaveLength(12);
  });

  test("deleting several is all or nothing, and answers { is_success: true }", async () => {
    await syncAll();
    const ids = [catId("img-01.png"), catId("img-02.png")];
    const failed = await env().client.POST(API.imagesDelete, { params: { path: job(CATS.id) }, body: { image_id: [...ids, UNKNOWN_IMAGE] } });
    await expectError(failed, 400, "ModelArts.4420", UNKNOWN_IMAGE);
    expect(env().emulator.job(CATS.id)?.images).toHaveLength(13);

    const done = await env().client.POST(API.imagesDelete, { params: { path: job(CATS.id) }, body: { image_id: ids } });
    expect(done.response.status).toBe(200);
    expect(done.data).toEqual({ is_success: true });
    expect(env().emulator.job(CATS.id)?.images).toHaveLength(11);
  });

  test("an empty or duplicated ID list is a parameter error", async () => {
    const { client } = env();
    await expectError(await client.POST(API.imagesDelete, { params: { path: job(CATS.id) }, body: { image_id: [] } }), 400, "ModelArts.0104", "image_id");
    await expectError(
      await client.POST(API.imagesDelete, { params: { path: job(CATS.id) }, body: { image_id: [UNKNOWN_IMAGE, UNKNOWN_IMAGE] } }),
      400,
      "ModelArts.0104",
      "duplicate",
    );
  });
});

describe("query_validation", () => {
  const VALIDATION_PATH = "/v1/{project_id}/annotation-jobs/{job_id}/validation";
  type SpecParameter = { name: string; in: string; example?: unknown };

  /** The spec's own example request: each path parameter's `example`, read from the bundled spec, not copied. */
  function specExamplePath(): Record<string, string> {
    const parameters = (spec.paths[VALIDATION_PATH] as { parameters: { $ref: string }[] }).parameters.map(({ $ref }) => {
      const name = $ref.replace("#/components/parameters/", "") as keyof typeof spec.components.parameters;
      return spec.components.parameters[name] as SpecParameter;
    });
    return Object.fromEntries(parameters.filter((p) => p.in === "path").map((p) => [p.name, String(p.example)]));
  }

  // The annotation job is seeded under the spec's example ID, reviewing the cats job.
  const example = specExamplePath();
  const REVIEW = example["job_id"]!;
  const OTHER_REVIEW = "7d3f6c2a-0b1e-4c5d-8e9f-a0b1c2d3e4f5";
  const reviewed = useEmulator({
    jobs: JOBS,
    annotationJobs: [
      { id: REVIEW, data_annotation_id: CATS.id },
      { id: OTHER_REVIEW, data_annotation_id: FOREIGN.id },
    ],
    objects: OBJECTS,
  });

  async function tagCats(): Promise<void> {
    const { client } = reviewed();
    expect(await reviewed().syncAndWait(CATS.id)).toBe(1);
    const images = [
      { image_id: catId("img-09.png"), tags: ["cat"] },
      { image_id: catId("img-08.png"), tags: ["dog"] },
    ];
    expect((await client.PUT(API.images, { params: { path: job(CATS.id) }, body: { images } })).response.status).toBe(204);
  }

  test("the spec's example request (a UUID job_id) lists the labelled images of the job it reviews, by key", async () => {
    expect(REVIEW).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(example["project_id"]).toBe(TEST_PROJECT_ID);
    await tagCats();
    const { data, response } = await reviewed().client.GET(API.validation, { params: { path: { project_id: example["project_id"]!, job_id: REVIEW } } });
    expect(response.status).toBe(200);
    expect(data).toEqual({
      image_count: 2,
      images: [
        { image_id: catId("img-08.png"), url: "obs://bucket/cats/img-08.png", tags: ["dog"] },
        { image_id: catId("img-09.png"), url: "obs://bucket/cats/img-09.png", tags: ["cat"] },
      ],
      last_pass_rate: null,
      last_validation_time: null,
    });
  });

  test("the token client reads it too", async () => {
    const { data } = await reviewed().tokenClient.GET(API.validation, { params: { path: { project_id: TEST_PROJECT_ID, job_id: REVIEW } } });
    expect(data).toMatchObject({ image_count: 0, images: [] });
  });

  test("an unknown annotation job, a data annotation ID, or an annotation job over another project's job is ModelArts.4801", async () => {
    const { client } = reviewed();
    const validation = (jobId: string) => client.GET(API.validation, { params: { path: { project_id: TEST_PROJECT_ID, job_id: jobId } } });
    await expectError(await validation("00000000-0000-4000-8000-000000000000"), 400, "ModelArts.4801", "The label task not exists");
    await expectError(await validation(CATS.id), 400, "ModelArts.4801");
    await expectError(await validation(OTHER_REVIEW), 400, "ModelArts.4801");
    await expectError(await validation(REVIEW.toUpperCase()), 400, "ModelArts.4801");
  });

  test("without seeded annotation jobs every job_id is ModelArts.4801", async () => {
    await expectError(await env().client.GET(API.validation, { params: { path: { project_id: TEST_PROJECT_ID, job_id: REVIEW } } }), 400, "ModelArts.4801");
    // A data-annotation job of this emulator is not an annotation job either (before, its ID was answered).
    await expectError(await env().client.GET(API.validation, { params: { path: { project_id: TEST_PROJECT_ID, job_id: CATS.id } } }), 400, "ModelArts.4801");
  });
});

describe("errors shared by every operation", () => {
  test("an unknown job and a job of another project both answer ModelArts.4338", async () => {
    const { client } = env();
    await expectError(await client.GET(API.syncStatus, { params: { path: job("999") } }), 400, "ModelArts.4338", "The resource not exists");
    const foreign = await client.GET(API.syncStatus, { params: { path: job(FOREIGN.id) } });
    await expectError(foreign, 400, "ModelArts.4338", "The resource not exists");
    // The owner sees it.
    expect((await client.GET(API.syncStatus, { params: { path: job(FOREIGN.id, "other-project") } })).data?.sync_status).toBe(0);
    await expectError(await client.POST(API.sync, { params: { path: job(CATS.id, "other-project") } }), 400, "ModelArts.4338");
  });

  test("malformed path IDs are parameter errors naming the parameter", async () => {
    const { client } = env();
    await expectError(await client.GET(API.tags, { params: { path: job("abc") } }), 400, "ModelArts.0104", "data_annotation_id");
    await expectError(await client.GET(API.tags, { params: { path: job("1".repeat(20)) } }), 400, "ModelArts.0104", "data_annotation_id");
    await expectError(await client.GET(API.tags, { params: { path: job(CATS.id, "bad_project") } }), 400, "ModelArts.0104", "project_id");
  });

  test("malformed JSON is ModelArts.4105; a non-JSON content type or a missing body is ModelArts.0104", async () => {
    const { send } = env();
    const path = `/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/tags/show`;
    const malformed = await send({ method: "POST", path, headers: { "Content-Type": "application/json" }, body: '{"image_id": [' });
    await expectError(await asResult(malformed), 400, "ModelArts.4105", "The JSON format of the input data is incorrect.");
    const text = await send({ method: "POST", path, headers: { "Content-Type": "text/plain" }, body: JSON.stringify({ image_id: [UNKNOWN_IMAGE] }) });
    await expectError(await asResult(text), 400, "ModelArts.0104", "Content-Type");
    const empty = await send({ method: "POST", path, headers: { "Content-Type": "application/json" } });
    await expectError(await asResult(empty), 400, "ModelArts.0104", "body: is required");
  });

  test("an unknown route or method is 404 ModelArts.4204 naming it", async () => {
    const { send } = env();
    const unknown = await send({ method: "GET", path: `/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/nothing-here` });
    await expectError(await asResult(unknown), 404, "ModelArts.4204", `GET /v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/nothing-here`);
    const wrongMethod = await send({ method: "PATCH", path: `/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/images` });
    await expectError(await asResult(wrongMethod), 404, "ModelArts.4204", "PATCH");
    const root = await send({ method: "GET", path: "/" });
    await expectError(await asResult(root), 404, "ModelArts.4204");
  });

  test("every answer has its own X-Request-Id", async () => {
    const { client } = env();
    const results = await Promise.all([
      client.GET(API.syncStatus, { params: { path: job(CATS.id) } }),
      client.GET(API.syncStatus, { params: { path: job("999") } }),
      client.GET(API.tags, { params: { path: job("abc") } }),
    ]);
    const ids = results.map((r) => r.response.headers.get("x-request-id"));
    expect(ids.every((id) => id !== null && /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(3);
  });
});

describe("body size limit", () => {
  const small = useEmulator({ jobs: JOBS, objects: OBJECTS, maxBodyBytes: 4096 });

  test("a body over maxBodyBytes is 413 ModelArts.4104, and the server keeps serving", async () => {
    const { client } = small();
    const ids = Array.from({ length: 200 }, (_, i) => i.toString(16).padStart(32, "0"));
    const result = await client.POST(API.tagsShow, { params: { path: job(CATS.id) }, body: { image_id: ids } });
    await expectError(result, 413, "ModelArts.4104");
    expect((await client.GET(API.syncStatus, { params: { path: job(CATS.id) } })).data?.sync_status).toBe(0);
  });

  test("a body of exactly maxBodyBytes is accepted", async () => {
    const prefix = '{"image_id":["';
    const suffix = '"]}';
    const body = prefix + "a".repeat(4096 - prefix.length - suffix.length) + suffix;
    expect(Buffer.byteLength(body)).toBe(4096);
    const response = await small().send({ method: "POST", path: `/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/tags/show`, headers: { "Content-Type": "application/json" }, body });
    // Past the size check: the ID itself is too long for the spec.
    await expectError(await asResult(response), 400, "ModelArts.0104", "image_id[0]");
  });

  describe("a body well past a tiny limit still gets its 413 answer before the connection ends", () => {
    const tiny = useEmulator({ jobs: JOBS, objects: OBJECTS, maxBodyBytes: 10 });

    test.each([50, 5_000, 1_000_000])("%i bytes", async (size) => {
      const body = JSON.stringify({ image_id: ["a".repeat(size - 17)] });
      expect(Buffer.byteLength(body)).toBe(size);
      for (let i = 0; i < 5; i++) {
        const response = await tiny().send({ method: "POST", path: `/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/tags/show`, headers: { "Content-Type": "application/json" }, body });
        await expectError(await asResult(response), 413, "ModelArts.4104");
      }
      // The server keeps serving.
      expect((await tiny().client.GET(API.syncStatus, { params: { path: job(CATS.id) } })).response.status).toBe(200);
    });
  });

  // The raw requests below carry a valid token: the gateway refuses unauthenticated ones before
  // reading any body (test/emulator/gateway-hardening.test.ts), so only these reach the size check.

  /** A raw connection to the fixture's emulator, collecting what comes back and when it closes. */
  async function rawConnection(url: string): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.on("error", () => {}); // a write after the server closed fails; the test looks at what came back
    let received = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => (received += chunk));
    const closed = once(socket, "close").then(() => undefined);
    await once(socket, "connect");
    return { socket, received: () => received, closed };
  }

  test("a huge declared body trickled slowly gets its 413 at once, and Node closes the connection right after", async () => {
    const { socket, received, closed } = await rawConnection(small().url);
    socket.write(
      `POST /v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/tags/show HTTP/1.1\r\nHost: emulator\r\nX-Auth-Token: ${TEST_TOKEN}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{"image_id":[`,
    );
    const trickle = setInterval(() => socket.destroyed || socket.write('"0123456789abcdef0123456789abcdef",'), 20);
    try {
      const timeout = new Promise<"still open">((resolve) => setTimeout(() => resolve("still open"), 3_000));
      expect(await Promise.race([closed.then(() => "closed"), timeout])).toBe("closed");
      expect(received()).toMatch(/^HTTP\/1\.1 413 /);
      expect(received()).toMatch(/\r\nconnection: close\r\n/i);
      expect(received()).toContain('"error_code":"ModelArts.4104"');
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
    // The server keeps serving.
    expect((await small().client.GET(API.syncStatus, { params: { path: job(CATS.id) } })).response.status).toBe(200);
  });

  describe("a client that goes away in the middle of its body", () => {
    const lines: string[] = [];
    const logged = useEmulator(() => {
      lines.length = 0;
      return { jobs: JOBS, objects: OBJECTS, logger: (line: string) => void lines.push(line) };
    });

    test("is logged as one short line, not as an internal error", async () => {
      const { socket } = await rawConnection(logged().url);
      socket.write(
        `POST /v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/tags/show HTTP/1.1\r\nHost: emulator\r\nX-Auth-Token: ${TEST_TOKEN}\r\n` +
          `Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"image_id":[`,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      for (let i = 0; i < 100 && !lines.some((line) => line.includes("went away")); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^[0-9a-f]{32} POST /v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/tags/show client went away before its body was complete$`))]);
      // The server keeps serving.
      expect((await logged().client.GET(API.syncStatus, { params: { path: job(CATS.id) } })).response.status).toBe(200);
    });
  });

  test("the default limit is the gateway's 12 MB", async () => {
    const body = JSON.stringify({ image_id: ["a".repeat(12 * 1024 * 1024)] });
    const response = await env().send({ method: "POST", path: `/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/tags/show`, headers: { "Content-Type": "application/json" }, body });
    await expectError(await asResult(response), 413, "ModelArts.4104");
  });
});
