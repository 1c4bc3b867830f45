/**
 * A client walk over real HTTP while another client changes images outside the walked
 * filter between pages: retagging them among other tags, unlabelling them, deleting them.
 * The walk must yield exactly the filter's images at its start, each once, in key order.
 * (Changing images inside the filter does shift pages, as paging by number must; that is
 * documented, not tested here.)
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { ListedImage } from "../../src/index.js";
import type { EmulatorJob } from "../../src/emulator/index.js";
import { TEST_PROJECT_ID, useEmulator } from "../support/emulator.js";
import { FAKE_JPEG } from "../support/images.js";
import { publicApisFor } from "../support/public-client.js";

const JOB: EmulatorJob = { id: "314", name: "walk", data_path: "obs://bucket/walk/", project_id: TEST_PROJECT_ID, type: 0 };
const IMAGES = 900;

describe("a walk while images outside its filter change", () => {
  const env = useEmulator({ jobs: [JOB], folders: ["bucket/walk"] });

  test.each([
    { tagName: "cat", filter: "one tag" },
    { tagName: "__none__", filter: "unlabelled" },
    { tagName: undefined, filter: "every labelled image" },
  ] as const)("tag_name $tagName ($filter): every image once, in key order", async ({ tagName }) => {
    const fixture = env();
    await Promise.all(
      Array.from({ length: IMAGES }, (_, i) => writeFile(join(fixture.obs.path, "bucket", "walk", `img-${String(i).padStart(4, "0")}.jpg`), FAKE_JPEG)),
    );
    expect(await fixture.syncAndWait(JOB.id, undefined, { timeoutMs: 60_000 })).toBe(1);
    const { das } = publicApisFor(fixture);
    const ids = fixture.emulator.job(JOB.id)!.images.map((image) => image.image_id);

    // A third are cats, a third dogs, a third unlabelled.
    const cats = ids.filter((_, i) => i % 3 === 0);
    const dogs = ids.filter((_, i) => i % 3 === 1);
    const labels = [...cats.map((image_id) => ({ image_id, tags: ["cat"] })), ...dogs.map((image_id) => ({ image_id, tags: ["dog"] }))];
    // At most 1,000 images per request, as the spec has it.
    for (let i = 0; i < labels.length; i += 1000) {
      const images = labels.slice(i, i + 1000);
      expect((await das.modify_image_info({ data_annotation_id: JOB.id, body: { images } })).is_success).toBe(true);
    }

    const inFilter = (tags: readonly unknown[]): boolean => (tagName === undefined ? tags.length > 0 : tagName === "__none__" ? tags.length === 0 : tags.includes(tagName));
    const expected = fixture.emulator.job(JOB.id)!.images.filter((image) => inFilter(image.tags)).map((image) => image.image_id);
    const members = new Set(expected);
    // Outside the filter: images that can change while staying outside it.
    const outside = ids.filter((id) => !members.has(id));
    const movesWithin = (): string[][] =>
      tagName === "cat" ? [["dog"], [], ["bird", "dog"]] : tagName === "__none__" ? [["cat"], ["dog", "bird"]] : [[]];
    expect(outside.length).toBeGreaterThanOrEqual(250);

    const walked: ListedImage[] = [];
    let turn = 0;
    const filter = tagName === undefined ? {} : { tag_name: tagName };
    for await (const image of das.iterate_images_by_tag({ data_annotation_id: JOB.id, ...filter, per_page: 23 })) {
      walked.push(image);
      if (walked.length % 23 !== 0) continue;
      // Between pages: retag two outsiders and delete a third, all staying outside the filter.
      const choices = movesWithin();
      const c = outside.pop() as string;
      const [a, b] = [outside[turn % outside.length], outside[(turn + 101) % outside.length]] as [string, string];
      turn += 2;
      const retag = await das.modify_image_info({
        data_annotation_id: JOB.id,
        body: {
          images: [
            { image_id: a, tags: choices[turn % choices.length] as string[] },
            { image_id: b, tags: choices[(turn + 1) % choices.length] as string[] },
          ],
        },
      });
      expect(retag.is_success).toBe(true);
      expect((await das.delete_selected_image({ data_annotation_id: JOB.id, image_id: c })).is_success).toBe(true);
    }
    expect(turn).toBeGreaterThan(10);
    expect(walked.map((image) => image.image_id)).toEqual(expected);
    const urls = walked.map((image) => image.url);
    expect(urls).toEqual([...urls].sort());
  });
});
