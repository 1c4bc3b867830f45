/**
 * delete-image: one image by delete_selected_image, run as a shell runs the built CLI. A dry run
 * reads the image and names the tags it would lose; --json prints the same keys on every outcome.
 * The prompt on a terminal is in terminal.test.ts.
 */
import { describe, expect, test } from "vitest";
import { cat, useCliEmulator } from "./fixture.js";
import { jsonOf } from "./run.js";

const cli = useCliEmulator();

const KEYS = ["data_annotation_id", "deleted", "dry_run", "error_code", "error_msg", "http_status", "image_id", "is_success", "request_id", "tags"];
const UNKNOWN_IMAGE = "0123456789abcdef0123456789abcdef";
const present = (id: string) => cli().emulator.emulator.job("282")!.images.some((image) => image.image_id === id);

describe("delete-image", () => {
  test("--dry-run reads the image, names the tags it would lose and deletes nothing", async () => {
    const id = cat("b.png");
    expect(await cli().run(["modify-image", "-j", "282", "--image-id", id, "--tag", "tabby", "--tag", "cat"])).toMatchObject({ code: 0 });
    const { result, requests } = await cli().requestsDuring(["delete-image", "-j", "282", id, "--dry-run"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(`Would delete image ${id} from job 282, losing its tags for good (tabby, cat); the OBS object stays.\n`);
    expect(requests).toBe(1);
    expect(cli().served.at(-1)).toContain(`GET /v1/`);
    expect(present(id)).toBe(true);

    const json = jsonOf(await cli().run(["delete-image", "-j", "282", id, "--dry-run", "--json"]));
    expect(json).toEqual({
      is_success: true, dry_run: true, deleted: false, data_annotation_id: "282", image_id: id, tags: ["tabby", "cat"],
      error_code: null, error_msg: null, http_status: null, request_id: null,
    });
  });

  test("deletes the image with delete_selected_image (not the batch operation), without asking when stdin is not a terminal", async () => {
    const id = cat("c.jpg");
    const before = cli().served.length;
    const result = await cli().run(["delete-image", "-j", "282", id, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(jsonOf(result)).toEqual({
      is_success: true, dry_run: false, deleted: true, data_annotation_id: "282", image_id: id, tags: null,
      error_code: null, error_msg: null, http_status: null, request_id: null,
    });
    const served = cli().served.slice(before).filter((line) => / (GET|POST|PUT|DELETE) \/v1\//.test(line));
    expect(served).toHaveLength(1);
    expect(served[0]).toMatch(new RegExp(` DELETE /v1/[^ ]+/data-annotations/282/images/${id} 204`));
    expect(present(id)).toBe(false);

    const text = await cli().run(["delete-image", "-j", "282", cat("a.png")]);
    expect(text).toMatchObject({ code: 0, stdout: `Deleted image ${cat("a.png")} from job 282 (the OBS object stays).\n` });
  });

  test("an unknown image: exit 1 and ModelArts.4420, in a dry run as in a deletion, with the same keys", async () => {
    for (const extra of [["--dry-run"], []]) {
      const result = await cli().run(["delete-image", "-j", "282", UNKNOWN_IMAGE, "--json", ...extra]);
      expect(result.code).toBe(1);
      const json = jsonOf(result);
      expect(Object.keys(json).sort()).toEqual(KEYS);
      expect(json).toMatchObject({ is_success: false, deleted: false, dry_run: extra.length > 0, error_code: "ModelArts.4420", http_status: 400, tags: null });
      expect(result.stderr).toMatch(/^error: ModelArts\.4420: /m);
    }
  });

  test("a malformed image ID is refused before any request, exit 2, with the same keys", async () => {
    const { result, requests } = await cli().requestsDuring(["delete-image", "-j", "282", "../etc", "--json"]);
    expect(result.code).toBe(2);
    expect(requests).toBe(0);
    const json = jsonOf(result);
    expect(Object.keys(json).sort()).toEqual(KEYS);
    expect(json).toMatchObject({ is_success: false, error_code: "INVALID_PARAMETER", http_status: null, request_id: null });
    expect(result.stderr).toContain("image_id");
  });

  test("takes exactly one image ID", async () => {
    const none = await cli().run(["delete-image", "-j", "282"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("missing required argument 'image-id'");
    const two = await cli().run(["delete-image", "-j", "282", cat("a.png"), cat("b.png")]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("too many arguments for 'delete-image'");
  });

  test("help names the operation, the dry run and the prompt; help delete-image equals delete-image --help", async () => {
    const help = await cli().run(["delete-image", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: modelarts-annotations delete-image \[options\] <image-id>/);
    for (const part of ["delete_selected_image", "--dry-run", "--yes", "lost for good", "several images: delete-images"]) expect(help.stdout).toContain(part);
    expect((await cli().run(["help", "delete-image"])).stdout).toBe(help.stdout);
  });
});
