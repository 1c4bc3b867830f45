/**
 * Retagging, image tags, tag lists and statistics, deletion, validation, run as a child process against the emulator
 * (see fixture.ts): stdout, stderr and exit codes, --json output parsed.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { box, BOXES_REVIEW, cat, MANY, retag, useCliEmulator } from "./fixture.js";
import { jsonOf, pipeline } from "./run.js";

const cli = useCliEmulator();

describe("retagging, image tags, tags, statistics, deletion", () => {
  test("the retag workflow: modify-image, image-tags, images --tag, tags, tag-stats", async () => {
    const modified = await cli().run(["modify-image", "-j", "282", "--image-id", cat("a.png"), "--image-id", cat("b.png"), "--tag", "cat", "--tag", "猫"]);
    expect(modified).toMatchObject({ code: 0, stdout: "Retagged 2 images in job 282.\n", stderr: "" });

    const one = await cli().run(["image-tags", "-j", "282", cat("a.png"), "--json"]);
    expect(jsonOf(one)).toEqual({ is_success: true, image_id: cat("a.png"), tags: ["cat", "猫"] });
    const several = await cli().run(["image-tags", "-j", "282", cat("a.png"), cat("c.jpg")]);
    expect(several.code).toBe(0);
    expect(several.stdout).toBe(
      ["IMAGE ID                          SIZE  TAGS", `${cat("a.png")}  -     cat, 猫`, `${cat("c.jpg")}  -     -`, ""].join("\n"),
    );

    const withTag = await cli().run(["images", "-j", "282", "--tag", "猫", "--json"]);
    expect(jsonOf(withTag)).toMatchObject({ is_success: true, total: 2, images: [{ image_id: cat("a.png") }, { image_id: cat("b.png") }] });

    const tags = await cli().run(["tags", "-j", "282"]);
    expect(tags.stdout).toBe("TAG\ncat\n猫\n");
    expect(jsonOf(await cli().run(["tags", "-j", "282", "--json"]))).toEqual({ is_success: true, tags: ["cat", "猫"] });

    const stats = await cli().run(["tag-stats", "-j", "282"]);
    expect(stats.stdout).toBe("TAG  IMAGES\ncat  2\n猫   2\n\n2 tagged, 1 untagged\n");
    expect(jsonOf(await cli().run(["tag-stats", "-j", "282", "--json"]))).toMatchObject({ tags_stat: [{ has_tag: true, count: 2 }, { has_tag: false, count: 1 }] });

    const untag = await cli().run(["modify-image", "-j", "282", "--image-id", cat("b.png"), "--untag", "--json"]);
    expect(jsonOf(untag)).toEqual({ is_success: true });
    expect(jsonOf(await cli().run(["image-tags", "-j", "282", cat("b.png"), "--json"]))).toMatchObject({ tags: [] });
  });

  test("modify-image --body takes detection boxes from a file or stdin", async () => {
    const image_id = box;
    const body = { images: [{ image_id, tags: [{ tag: "flower", pos: [10, 0, 60, 50] }] }], size: [100, 80] };
    const file = join(cli().home, "boxes.json");
    await writeFile(file, JSON.stringify(body));
    expect(await cli().run(["modify-image", "-j", "290", "--body", file])).toMatchObject({ code: 0, stdout: "Retagged 1 image in job 290.\n" });
    const fromStdin = { ...body, images: [{ image_id, tags: [{ tag: "leaf", pos: [1, 1, 5, 5] }] }] };
    expect(await cli().run(["modify-image", "-j", "290", "--body", "-"], { input: JSON.stringify(fromStdin) })).toMatchObject({ code: 0 });
    const shown = await cli().run(["image-tags", "-j", "290", image_id]);
    expect(shown.stdout).toContain("100x80  leaf[1,1,5,5]");
  });

  test("modify-image refuses ambiguous or unsafe input before sending anything", async () => {
    const cases: [string[], string][] = [
      [["--image-id", cat("a.png")], "give the new tags with --tag (repeatable), or --untag"],
      [["--tag", "cat"], "give the images with --image-id"],
      [["--image-id", cat("a.png"), "--tag", "x", "--untag"], "--untag and --tag cannot be used together"],
      [["--body", "-", "--tag", "x"], "--body cannot be combined"],
      [["--body", join(cli().home, "no-such-file.json")], "cannot read --body"],
    ];
    for (const [args, message] of cases) {
      const { result, requests } = await cli().requestsDuring(["modify-image", "-j", "282", ...args]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
      expect(requests).toBe(0);
    }
    const notJson = await cli().run(["modify-image", "-j", "282", "--body", "-"], { input: "{ not json" });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain("--body - is not valid JSON");
    const badShape = await cli().requestsDuring(["modify-image", "-j", "282", "--body", join(cli().home, "config.yaml")]);
    expect(badShape.result.code).toBe(2);
    expect(badShape.requests).toBe(0);
  });

  test("a tag that does not fit the job type: the service says no, exit 1", async () => {
    const body = { images: [{ image_id: cat("c.jpg"), tags: [{ tag: "box", pos: [0, 0, 1, 1] }] }], size: [2, 2] };
    const result = await cli().run(["modify-image", "-j", "282", "--body", "-", "--json"], { input: JSON.stringify(body) });
    expect(result.code).toBe(1);
    expect(jsonOf(result)).toMatchObject({ is_success: false, error_code: "ModelArts.4820", http_status: 400 });
  });

  test("delete-images: one ID, several IDs, an unknown one", async () => {
    const unknown = await cli().run(["delete-images", "-j", "284", "0123456789abcdef0123456789abcdef", "--json"]);
    expect(unknown.code).toBe(1);
    expect(jsonOf(unknown)).toMatchObject({ error_code: "ModelArts.4420" });
    expect(await cli().run(["delete-images", "-j", "284", retag("one.png")])).toMatchObject({
      code: 0,
      stdout: "Deleted 1 image from job 284 (the OBS objects stay).\n",
    });
    const two = await cli().run(["delete-images", "-j", "284", retag("two.png"), retag("three.png"), "--json"]);
    expect(jsonOf(two)).toEqual({ is_success: true });
    expect(jsonOf(await cli().run(["tag-stats", "-j", "284", "--json"]))).toMatchObject({ tags_stat: [{ has_tag: true, count: 0 }, { has_tag: false, count: 0 }] });
    expect(cli().served.some((line) => line.includes("DELETE /v1/") && line.includes(retag("one.png")))).toBe(true);
    expect(cli().served.some((line) => line.includes("POST /v1/") && line.includes("/data-annotations/284/images/delete"))).toBe(true);
  });

  test("validation shows the labelled images", async () => {
    await cli().run(["modify-image", "-j", "290", "--body", "-"], {
      input: JSON.stringify({ images: [{ image_id: box, tags: [{ tag: "leaf", pos: [1, 1, 5, 5] }] }], size: [100, 80] }),
    });
    const result = await cli().run(["validation", "--job-id", BOXES_REVIEW, "--json"]);
    expect(result.code).toBe(0);
    expect(jsonOf(result)).toMatchObject({ is_success: true, image_count: 1, last_pass_rate: null, last_validation_time: null });
    const text = await cli().run(["validation", "--job-id", BOXES_REVIEW]);
    expect(text.stdout).toContain(`Job ${BOXES_REVIEW}: 1 images to validate; last validation: none yet`);
    // Neither an unseeded UUID nor the decimal ID of the job it reviews names an annotation job.
    for (const jobId of ["062ef90a-da4d-4af4-82ba-1523da57e78e", "290"]) {
      const unknown = await cli().run(["validation", "--job-id", jobId]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain("ModelArts.4801");
    }
  });

  test("the README's pipelines: IDs and bodies piped from images --all --json into modify-image and delete-images", async () => {
    // jq's part is played by node, which every machine running these tests has.
    const ids = `"$NODE" -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => JSON.parse(s).images.forEach((i) => console.log(i.image_id)))'`;
    const rename = `"$NODE" -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.stringify({ images: JSON.parse(s).images.map(({ image_id, tags }) => ({ image_id, tags: tags.map((t) => (t === "kitty" ? "cat" : t)) })) })))'`;
    const env = { HOME: cli().home, MODELARTS_CONFIG: join(cli().home, "config.yaml") };

    const tagged = await pipeline(`eval "$CLI images -j 283 --untagged --all --json" | ${ids} | eval "$CLI modify-image -j 283 --image-id - --tag kitty --tag striped"`, { env });
    expect(tagged).toMatchObject({ code: 0, stdout: `Retagged ${MANY} images in job 283.\n` });

    const renamed = await pipeline(`eval "$CLI images -j 283 --tag kitty --all --json" | ${rename} | eval "$CLI modify-image -j 283 --body -"`, { env });
    expect(renamed).toMatchObject({ code: 0, stdout: `Retagged ${MANY} images in job 283.\n` });
    expect(jsonOf(await cli().run(["tag-stats", "-j", "283", "--json"]))).toEqual({
      is_success: true,
      tag_count: [
        { tag: "cat", count: MANY },
        { tag: "striped", count: MANY },
      ],
      tags_stat: [
        { has_tag: true, count: MANY },
        { has_tag: false, count: 0 },
      ],
    });

    const deleted = await pipeline(`eval "$CLI images -j 283 --tag cat --all --json" | ${ids} | eval "$CLI delete-images -j 283 -"`, { env });
    expect(deleted).toMatchObject({ code: 0, stdout: `Deleted ${MANY} images from job 283 (the OBS objects stay).\n` });
    const empty = await cli().run(["delete-images", "-j", "283", "-"], { input: "\n\n" });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('"-" was given, but stdin holds no image IDs');
  });
});
