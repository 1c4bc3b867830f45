import { describe, expect, test } from "vitest";
import { ApiError } from "../../src/emulator/errors.js";
import { imageIdOf, parseObsPath, type ObsImageObject, type ObsLocation } from "../../src/emulator/obs.js";
import { AnnotationState, type JobDefinition, type JobType } from "../../src/emulator/state.js";

const PROJECT = "project-a";

function location(dataPath: string): ObsLocation {
  const parsed = parseObsPath(dataPath);
  if ("problem" in parsed) throw new Error(parsed.problem);
  return parsed;
}

function jobDefinition(id: string, type: JobType, projectId?: string): JobDefinition {
  const dataPath = `obs://bucket/job-${id}/`;
  return { id, name: `job ${id}`, description: "", type, projectId, dataPath, location: location(dataPath), createTime: 0 };
}

function objects(jobId: string, ...names: string[]): ObsImageObject[] {
  return names.map((name) => {
    const key = `job-${jobId}/${name}`;
    return { key, url: `obs://bucket/${key}`, imageId: imageIdOf("bucket", key), size: [640, 480] as [number, number] };
  });
}

const idOf = (jobId: string, name: string): string => imageIdOf("bucket", `job-${jobId}/${name}`);

function expectApiError(action: () => unknown, status: number, code: string): ApiError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(status);
    expect((error as ApiError).code).toBe(code);
    return error as ApiError;
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}

/** Annotation jobs (query_validation's job_id) over jobs "1" and "3". */
const REVIEW_1 = "11111111-1111-4111-8111-111111111111";
const REVIEW_3 = "33333333-3333-4333-8333-333333333333";

/** A state with a synced classification job "1", a detection job "2", a job "3" of PROJECT only, and annotation jobs over "1" and "3". */
function seeded(): AnnotationState {
  const annotationJobs = new Map([[REVIEW_1, "1"], [REVIEW_3, "3"]]);
  const state = new AnnotationState([jobDefinition("1", 0), jobDefinition("2", 1), jobDefinition("3", 0, PROJECT)], annotationJobs);
  for (const [id, names] of [
    ["1", ["c.png", "a.png", "b.jpg", "d/e.png"]],
    ["2", ["x.png", "y.png"]],
  ] as const) {
    const job = state.job(id, PROJECT);
    state.beginSync(job);
    state.completeSync(job, objects(id, ...names));
  }
  return state;
}

describe("job lookup", () => {
  test("an unknown job is ModelArts.4338 for data annotations and ModelArts.4801 for validation", () => {
    const state = seeded();
    expectApiError(() => state.job("99", PROJECT), 400, "ModelArts.4338");
    expectApiError(() => state.labelTask("99999999-9999-4999-8999-999999999999", PROJECT), 400, "ModelArts.4801");
    // Annotation jobs are their own resource: a data annotation ID names none.
    expectApiError(() => state.labelTask("1", PROJECT), 400, "ModelArts.4801");
    expect(state.labelTask(REVIEW_1, PROJECT).id).toBe("1");
  });

  test("an annotation job over a job that does not exist is refused", () => {
    expect(() => new AnnotationState([jobDefinition("1", 0)], new Map([[REVIEW_3, "3"]]))).toThrow(`annotation job ${REVIEW_3} names job 3, which does not exist`);
  });

  test("a job bound to a project looks missing to every other project", () => {
    const state = seeded();
    expect(state.job("3", PROJECT).id).toBe("3");
    expectApiError(() => state.job("3", "project-b"), 400, "ModelArts.4338");
    expectApiError(() => state.labelTask(REVIEW_3, "project-b"), 400, "ModelArts.4801");
    expect(state.labelTask(REVIEW_3, PROJECT).id).toBe("3");
    // Unbound jobs are visible to any project.
    expect(state.job("1", "project-b").id).toBe("1");
  });

  test("duplicate job IDs are refused", () => {
    expect(() => new AnnotationState([jobDefinition("1", 0), jobDefinition("1", 1)])).toThrow(TypeError);
  });
});

describe("sync", () => {
  test("goes 0 → 3 → 1, refuses a second start while running, and 3 → 2 keeps the images", () => {
    const state = new AnnotationState([jobDefinition("1", 0)]);
    const job = state.job("1", PROJECT);
    expect(state.job("1", PROJECT).syncStatus).toBe(0);
    state.beginSync(job);
    expect(state.job("1", PROJECT).syncStatus).toBe(3);
    expectApiError(() => state.beginSync(job), 400, "ModelArts.4355");
    state.completeSync(job, objects("1", "a.png"));
    expect(state.job("1", PROJECT).syncStatus).toBe(1);

    state.beginSync(job);
    state.failSync(job);
    expect(state.job("1", PROJECT).syncStatus).toBe(2);
    expect(state.snapshot("1")?.images.map((i) => i.image_id)).toEqual([idOf("1", "a.png")]);
  });

  test("a re-sync adds new objects untagged, drops vanished ones and keeps the tags of the rest", () => {
    const state = seeded();
    const job = state.job("1", PROJECT);
    state.modifyImages(job, { images: [{ image_id: idOf("1", "a.png"), tags: ["cat"] }, { image_id: idOf("1", "b.jpg"), tags: ["dog"] }] });
    state.beginSync(job);
    const outcome = state.completeSync(job, objects("1", "a.png", "c.png", "f.png"));
    expect(outcome.added).toEqual([idOf("1", "f.png")]);
    expect(outcome.removed.sort()).toEqual([idOf("1", "b.jpg"), idOf("1", "d/e.png")].sort());
    expect(outcome.kept).toEqual([idOf("1", "a.png"), idOf("1", "c.png")]);
    expect(state.snapshot("1")?.images.map((i) => [i.url, i.tags])).toEqual([
      ["obs://bucket/job-1/a.png", ["cat"]],
      ["obs://bucket/job-1/c.png", []],
      ["obs://bucket/job-1/f.png", []],
    ]);
  });

  test("a deleted image comes back untagged with the next sync while its object exists", () => {
    const state = seeded();
    const job = state.job("1", PROJECT);
    const id = idOf("1", "a.png");
    state.modifyImages(job, { images: [{ image_id: id, tags: ["cat"] }] });
    state.deleteImages(job, [id]);
    expectApiError(() => state.imageTags(job, id), 400, "ModelArts.4420");
    state.beginSync(job);
    state.completeSync(job, objects("1", "a.png"));
    expect(state.imageTags(job, id)).toEqual({ image_id: id, tags: [] });
  });
});

describe("listing", () => {
  test("orders by object key, filters by tag, and pages from 1", () => {
    const state = seeded();
    const job = state.job("1", PROJECT);
    state.modifyImages(job, {
      images: [
        { image_id: idOf("1", "c.png"), tags: ["cat"] },
        { image_id: idOf("1", "a.png"), tags: ["cat", "dog"] },
      ],
    });
    const urls = (page: { images: { url: string }[] }) => page.images.map((i) => i.url.slice("obs://bucket/job-1/".length));
    expect(urls(state.listImages(job, { page: 1, perPage: 10 }))).toEqual(["a.png", "c.png"]);
    expect(urls(state.listImages(job, { tagName: "dog", page: 1, perPage: 10 }))).toEqual(["a.png"]);
    expect(urls(state.listImages(job, { tagName: "__none__", page: 1, perPage: 10 }))).toEqual(["b.jpg", "d/e.png"]);
    expect(state.listImages(job, { tagName: "bird", page: 1, perPage: 10 })).toEqual({ images: [], total: 0 });

    const first = state.listImages(job, { tagName: "__none__", page: 1, perPage: 1 });
    const second = state.listImages(job, { tagName: "__none__", page: 2, perPage: 1 });
    const past = state.listImages(job, { tagName: "__none__", page: 3, perPage: 1 });
    expect([urls(first), urls(second), urls(past)]).toEqual([["b.jpg"], ["d/e.png"], []]);
    expect([first.total, second.total, past.total]).toEqual([2, 2, 2]);
  });

  test("tag names are distinct and sorted; statistics count images, not boxes", () => {
    const state = seeded();
    const job = state.job("2", PROJECT);
    state.modifyImages(job, {
      size: [640, 480],
      images: [
        { image_id: idOf("2", "x.png"), tags: [{ tag: "flower", pos: [0, 0, 10, 10] }, { tag: "flower", pos: [20, 20, 30, 30] }, { tag: "bee", pos: [1, 1, 2, 2] }] },
      ],
    });
    expect(state.tagNames(job)).toEqual(["bee", "flower"]);
    expect(state.tagStatistics(job)).toEqual({
      tag_count: [
        { tag: "bee", count: 1 },
        { tag: "flower", count: 1 },
      ],
      tags_stat: [
        { has_tag: true, count: 1 },
        { has_tag: false, count: 1 },
      ],
    });
  });

  test("validation data lists the labelled images by key", () => {
    const state = seeded();
    const job = state.job("1", PROJECT);
    state.modifyImages(job, { images: [{ image_id: idOf("1", "d/e.png"), tags: ["x"] }, { image_id: idOf("1", "b.jpg"), tags: ["y"] }] });
    expect(state.validationImages(state.labelTask(REVIEW_1, PROJECT)).map((i) => [i.url, i.tags])).toEqual([
      ["obs://bucket/job-1/b.jpg", ["y"]],
      ["obs://bucket/job-1/d/e.png", ["x"]],
    ]);
  });
});

describe("image tags by job type", () => {
  test("classification answers with the ID and names, detection with boxes and the size", () => {
    const state = seeded();
    const classification = state.job("1", PROJECT);
    const detection = state.job("2", PROJECT);
    state.modifyImages(classification, { images: [{ image_id: idOf("1", "a.png"), tags: ["cat", "cat", "pet"] }] });
    state.modifyImages(detection, { images: [{ image_id: idOf("2", "x.png"), tags: [{ tag: "bee", pos: [1, 2, 3, 4] }], size: [100, 50] }] });

    expect(state.imageTags(classification, idOf("1", "a.png"))).toEqual({ image_id: idOf("1", "a.png"), tags: ["cat", "pet"] });
    expect(state.imageTags(detection, idOf("2", "x.png"))).toEqual({ tags: [{ tag: "bee", pos: [1, 2, 3, 4] }], size: [100, 50] });
    // Without a size from the tags, the one read from the object is reported.
    expect(state.imageTags(detection, idOf("2", "y.png"))).toEqual({ tags: [], size: [640, 480] });
    expect(state.imagesTags(detection, [idOf("2", "y.png"), idOf("2", "x.png")]).map((t) => t.image_id)).toEqual([idOf("2", "y.png"), idOf("2", "x.png")]);
  });
});

describe("all-or-nothing writes", () => {
  test("modify_image_info with one unknown image changes nothing and names it", () => {
    const state = seeded();
    const job = state.job("1", PROJECT);
    const error = expectApiError(
      () => state.modifyImages(job, { images: [{ image_id: idOf("1", "a.png"), tags: ["cat"] }, { image_id: "0123456789abcdef0123456789abcdef", tags: ["dog"] }] }),
      400,
      "ModelArts.4420",
    );
    expect(error.message).toContain("0123456789abcdef0123456789abcdef");
    expect(state.tagNames(job)).toEqual([]);
  });

  test("tags of the wrong kind for the job type are ModelArts.4820, and change nothing", () => {
    const state = seeded();
    const classification = state.job("1", PROJECT);
    const detection = state.job("2", PROJECT);
    const boxError = expectApiError(
      () => state.modifyImages(classification, { images: [{ image_id: idOf("1", "a.png"), tags: ["ok"] }, { image_id: idOf("1", "b.jpg"), tags: [{ tag: "x", pos: [0, 0, 1, 1] }] }] }),
      400,
      "ModelArts.4820",
    );
    expect(boxError.message).toBe("Unsupported operation, label task type is image classification");
    const nameError = expectApiError(() => state.modifyImages(detection, { size: [9, 9], images: [{ image_id: idOf("2", "x.png"), tags: ["x"] }] }), 400, "ModelArts.4820");
    expect(nameError.message).toBe("Unsupported operation, label task type is object detection");
    expect(state.tagNames(classification)).toEqual([]);
  });

  test("detection boxes need an image size and must lie inside it", () => {
    const state = seeded();
    const job = state.job("2", PROJECT);
    const box = { tag: "bee", pos: [10, 10, 20, 20] };
    expectApiError(() => state.modifyImages(job, { images: [{ image_id: idOf("2", "x.png"), tags: [box] }] }), 400, "ModelArts.0104");
    expectApiError(() => state.modifyImages(job, { size: [15, 15], images: [{ image_id: idOf("2", "x.png"), tags: [box] }] }), 400, "ModelArts.0104");
    expectApiError(() => state.modifyImages(job, { size: [50, 50], images: [{ image_id: idOf("2", "x.png"), tags: [{ tag: "bee", pos: [20, 0, 10, 5] }] }] }), 400, "ModelArts.0104");
    // The body-level size applies to images without their own; emptying tags needs none.
    state.modifyImages(job, { size: [50, 50], images: [{ image_id: idOf("2", "x.png"), tags: [box] }, { image_id: idOf("2", "y.png"), tags: [] }] });
    expect(state.tagNames(job)).toEqual(["bee"]);
  });

  test("an image listed twice and the reserved tag name are parameter errors", () => {
    const state = seeded();
    const job = state.job("1", PROJECT);
    const id = idOf("1", "a.png");
    expectApiError(() => state.modifyImages(job, { images: [{ image_id: id, tags: ["a"] }, { image_id: id, tags: ["b"] }] }), 400, "ModelArts.0104");
    expectApiError(() => state.modifyImages(job, { images: [{ image_id: id, tags: ["__none__"] }] }), 400, "ModelArts.0104");
    expect(state.tagNames(job)).toEqual([]);
  });

  test("deleting several images with one unknown deletes none", () => {
    const state = seeded();
    const job = state.job("1", PROJECT);
    expectApiError(() => state.deleteImages(job, [idOf("1", "a.png"), "ffffffffffffffffffffffffffffffff"]), 400, "ModelArts.4420");
    expect(state.snapshot("1")?.images).toHaveLength(4);
    state.deleteImages(job, [idOf("1", "a.png"), idOf("1", "b.jpg")]);
    expect(state.snapshot("1")?.images).toHaveLength(2);
  });

  test("replacing a tag set replaces it whole; an empty list unlabels", () => {
    const state = seeded();
    const job = state.job("1", PROJECT);
    const id = idOf("1", "a.png");
    state.modifyImages(job, { images: [{ image_id: id, tags: ["a", "b"] }] });
    state.modifyImages(job, { images: [{ image_id: id, tags: ["c"] }] });
    expect(state.imageTags(job, id).tags).toEqual(["c"]);
    state.modifyImages(job, { images: [{ image_id: id, tags: [] }] });
    expect(state.tagStatistics(job).tags_stat).toEqual([
      { has_tag: true, count: 0 },
      { has_tag: false, count: 4 },
    ]);
  });
});
