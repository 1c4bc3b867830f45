/**
 * The state's per-filter lists against a naive reading of the same images: after random
 * retagging, deleting and re-syncing, every listing (each tag, every labelled image, every
 * unlabelled one) pages through exactly the images a full filter of the snapshot finds, in
 * key order, and the tag names and statistics count what the snapshot holds.
 */
import { describe, expect, test } from "vitest";
import { imageIdOf, parseObsPath, type ObsImageObject } from "../../src/emulator/obs.js";
import { AnnotationState, type Job, type JobDefinition, type JobType } from "../../src/emulator/state.js";

const PROJECT = "project-a";
const TAGS = ["cat", "dog", "bird", "fish"];

function definition(id: string, type: JobType): JobDefinition {
  const dataPath = `obs://bucket/job-${id}/`;
  const location = parseObsPath(dataPath);
  if ("problem" in location) throw new Error(location.problem);
  return { id, name: `job ${id}`, description: "", type, projectId: PROJECT, dataPath, location, createTime: 0 };
}

function objectsFor(jobId: string, numbers: readonly number[]): ObsImageObject[] {
  return [...numbers]
    .sort((a, b) => a - b)
    .map((n) => {
      const key = `job-${jobId}/img-${String(n).padStart(5, "0")}.png`;
      return { key, url: `obs://bucket/${key}`, imageId: imageIdOf("bucket", key), size: [100, 100] as [number, number] };
    });
}

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const nameOf = (tag: unknown): string => (typeof tag === "string" ? tag : (tag as { tag: string }).tag);

/** Walks a filter page by page and checks it against the snapshot filtered by hand. */
function checkAgainstSnapshot(state: AnnotationState, job: Job, perPage: number): void {
  const snapshot = state.snapshot(job.id);
  if (snapshot === undefined) throw new Error("no snapshot");
  const urls = snapshot.images.map((image) => image.url);
  expect(urls).toEqual([...urls].sort());
  const filters: (string | undefined)[] = [undefined, "__none__", ...TAGS, "never-used"];
  for (const tagName of filters) {
    const expected = snapshot.images
      .filter((image) =>
        tagName === undefined ? image.tags.length > 0 : tagName === "__none__" ? image.tags.length === 0 : image.tags.some((t) => nameOf(t) === tagName),
      )
      .map((image) => image.image_id);
    const walked: string[] = [];
    for (let page = 1; ; page++) {
      const { images, total } = state.listImages(job, { tagName, page, perPage });
      expect(total).toBe(expected.length);
      if (images.length === 0) break;
      walked.push(...images.map((image) => image.image_id));
    }
    expect(walked).toEqual(expected);
  }
  const counts = new Map<string, number>();
  for (const image of snapshot.images) for (const name of new Set(image.tags.map(nameOf))) counts.set(name, (counts.get(name) ?? 0) + 1);
  const names = [...counts.keys()].sort();
  expect(state.tagNames(job)).toEqual(names);
  const labelled = snapshot.images.filter((image) => image.tags.length > 0).length;
  expect(state.tagStatistics(job)).toEqual({
    tag_count: names.map((tag) => ({ tag, count: counts.get(tag) })),
    tags_stat: [
      { has_tag: true, count: labelled },
      { has_tag: false, count: snapshot.images.length - labelled },
    ],
  });
  expect(state.validationImages(job).map((image) => image.image_id)).toEqual(
    snapshot.images.filter((image) => image.tags.length > 0).map((image) => image.image_id),
  );
}

describe.each([0, 1] as const)("lists of a job of type %i follow every write", (type) => {
  test("random retagging, deletes and re-syncs", () => {
    const rand = random(1400 + type);
    const job = definition("7", type);
    const state = new AnnotationState([job]);
    const jobOf = state.job("7", PROJECT);
    let present = Array.from({ length: 3_000 }, (_, i) => i);
    state.beginSync(jobOf);
    state.completeSync(jobOf, objectsFor("7", present));
    checkAgainstSnapshot(state, jobOf, 100);

    const pickIds = (count: number): string[] => {
      const ids = new Set<string>();
      const images = state.snapshot("7")?.images ?? [];
      while (ids.size < Math.min(count, images.length)) ids.add((images[Math.floor(rand() * images.length)] as { image_id: string }).image_id);
      return [...ids];
    };
    const tagsFor = (): (string | { tag: string; pos: number[] })[] => {
      const count = Math.floor(rand() * 4); // 0 unlabels
      return Array.from({ length: count }, () => {
        const name = TAGS[Math.floor(rand() * TAGS.length)] as string;
        // Detection boxes can repeat a tag on one image: it still counts once.
        return type === 0 ? name : { tag: name, pos: [1, 1, 10, 10] };
      });
    };

    for (let round = 0; round < 25; round++) {
      const action = rand();
      if (action < 0.6) {
        const images = pickIds(1 + Math.floor(rand() * 400)).map((image_id) => ({ image_id, tags: tagsFor() }));
        state.modifyImages(jobOf, type === 1 ? { images, size: [100, 100, 3] } : { images } as never);
      } else if (action < 0.8) {
        state.deleteImages(jobOf, pickIds(1 + Math.floor(rand() * 100)));
      } else {
        // Objects come and go in OBS; the kept ones keep their tags.
        present = present.filter(() => rand() > 0.1).concat(Array.from({ length: 200 }, () => 3_000 + Math.floor(rand() * 2_000)));
        present = [...new Set(present)];
        const before = new Map((state.snapshot("7")?.images ?? []).map((image) => [image.image_id, image.tags]));
        state.beginSync(jobOf);
        state.completeSync(jobOf, objectsFor("7", present));
        for (const image of state.snapshot("7")?.images ?? []) expect(image.tags).toEqual(before.get(image.image_id) ?? []);
      }
      checkAgainstSnapshot(state, jobOf, 1 + Math.floor(rand() * 100));
    }
  });
});

describe("paging while other images change", () => {
  test("a walk of one filter neither skips nor repeats while images outside it are retagged, added to other tags or deleted", () => {
    const state = new AnnotationState([definition("8", 0)]);
    const job = state.job("8", PROJECT);
    state.beginSync(job);
    state.completeSync(job, objectsFor("8", Array.from({ length: 2_000 }, (_, i) => i)));
    const all = state.snapshot("8")?.images.map((image) => image.image_id) ?? [];
    // Every third image is a cat; the rest start unlabelled.
    const cats = all.filter((_, i) => i % 3 === 0);
    state.modifyImages(job, { images: cats.map((image_id) => ({ image_id, tags: ["cat"] })) });
    const others = all.filter((_, i) => i % 3 !== 0);
    const unlabelledNow = (): string[] => state.snapshot("8")?.images.filter((image) => image.tags.length === 0).map((image) => image.image_id) ?? [];

    for (const [filter, outsiders] of [
      ["cat", others],
      ["__none__", cats],
    ] as const) {
      const members = filter === "cat" ? cats : unlabelledNow();
      expect(members.length).toBeGreaterThan(500);
      const walked: string[] = [];
      let turn = 0;
      for (let page = 1; ; page++) {
        const { images } = state.listImages(job, { tagName: filter, page, perPage: 37 });
        if (images.length === 0) break;
        walked.push(...images.map((image) => image.image_id));
        // Between pages, images outside the filter change in every way that keeps them outside it.
        const a = outsiders[(turn * 7) % outsiders.length] as string;
        const b = outsiders[(turn * 11 + 3) % outsiders.length] as string;
        turn++;
        state.modifyImages(job, { images: [{ image_id: a, tags: filter === "cat" ? ["dog", "bird"] : ["cat", "fish"] }] });
        state.modifyImages(job, { images: [{ image_id: b, tags: filter === "cat" ? [] : ["dog"] }] });
      }
      expect(walked).toEqual(members);
    }
    // Deleting outsiders between pages does not move a page either.
    const fish = state.snapshot("8")?.images.filter((image) => image.tags.includes("cat")).map((image) => image.image_id) ?? [];
    const walked: string[] = [];
    const deletable = state.snapshot("8")?.images.filter((image) => !image.tags.includes("cat")).map((image) => image.image_id) ?? [];
    for (let page = 1; ; page++) {
      const { images } = state.listImages(job, { tagName: "cat", page, perPage: 50 });
      if (images.length === 0) break;
      walked.push(...images.map((image) => image.image_id));
      state.deleteImages(job, deletable.splice(0, 13));
    }
    expect(walked).toEqual(fish);
  });
});

describe("a sync prepared in slices", () => {
  const pacerThat = (onPause: () => void) => ({
    due: true,
    async pause() {
      onPause();
    },
  });

  test("without writes meanwhile, gives what completeSync gives", async () => {
    const state = new AnnotationState([definition("9", 0)]);
    const job = state.job("9", PROJECT);
    state.beginSync(job);
    let pauses = 0;
    const prepared = await state.prepareSync(job, objectsFor("9", Array.from({ length: 5_000 }, (_, i) => i)), pacerThat(() => pauses++));
    // Nothing is visible before the swap.
    expect(state.listImages(job, { tagName: "__none__", page: 1, perPage: 10 }).total).toBe(0);
    const outcome = state.applySync(job, prepared);
    expect(pauses).toBeGreaterThan(3);
    expect(outcome.added).toHaveLength(5_000);
    expect(state.snapshot("9")?.sync_status).toBe(1);
    checkAgainstSnapshot(state, job, 100);
  });

  test("a retag or delete during the build is kept: the stale build is redone at the swap", async () => {
    const state = new AnnotationState([definition("10", 0)]);
    const job = state.job("10", PROJECT);
    const numbers = Array.from({ length: 3_000 }, (_, i) => i);
    state.beginSync(job);
    state.completeSync(job, objectsFor("10", numbers));
    const [first, second] = state.snapshot("10")!.images.map((image) => image.image_id) as [string, string];

    state.beginSync(job);
    let pauses = 0;
    const prepared = await state.prepareSync(
      job,
      objectsFor("10", numbers),
      pacerThat(() => {
        if (pauses++ === 0) {
          state.modifyImages(job, { images: [{ image_id: first, tags: ["cat"] }] });
          state.deleteImages(job, [second]);
        }
      }),
    );
    const outcome = state.applySync(job, prepared);
    // The retag survives; the deleted image comes back untagged, as its object still exists.
    expect(state.imageTags(job, first).tags).toEqual(["cat"]);
    expect(state.imageTags(job, second).tags).toEqual([]);
    expect(outcome.added).toEqual([second]);
    checkAgainstSnapshot(state, job, 64);
  });
});
