/**
 * `images`: one page, every page, text and JSON, run as a child process against the emulator
 * (see fixture.ts): stdout, stderr and exit codes, --json output parsed.
 */
import { describe, expect, test } from "vitest";
import { MANY, useCliEmulator } from "./fixture.js";
import { jsonOf } from "./run.js";

const cli = useCliEmulator();

describe("images", () => {
  test("one page as a table, with the paging hint on stderr", async () => {
    const result = await cli().run(["images", "-j", "283", "--untagged", "--per-page", "10", "--page", "2"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^IMAGE ID +URL +TAGS$/);
    expect(lines).toHaveLength(11);
    expect(lines[1]).toMatch(/^[0-9a-f]{32}  obs:\/\/bucket\/many\/img-010\.png  -$/);
    expect(result.stderr).toBe(`10 images on page 2 of 3 (${MANY} in all); next: --page 3, or --all\n`);
  });

  test("--all --json streams every page into one JSON document", async () => {
    const pageRequests = () => cli().served.filter((line) => line.includes("GET /v1/") && line.includes("/data-annotations/283/images 200")).length;
    const before = pageRequests();
    const result = await cli().run(["images", "-j", "283", "--untagged", "--all", "--per-page", "7", "--json"]);
    expect(result.code).toBe(0);
    const doc = jsonOf(result) as { is_success: boolean; images: { url: string }[]; total: number };
    expect(doc.is_success).toBe(true);
    expect(doc.total).toBe(MANY);
    expect(doc.images.map((image) => image.url)).toEqual(Array.from({ length: MANY }, (_, i) => `obs://bucket/many/img-${String(i).padStart(3, "0")}.png`));
    // 25 images at 7 a page: pages 1 to 4, the last one short, so no fifth request.
    expect(pageRequests() - before).toBe(4);
  });

  test("--all as text prints one header and every image", async () => {
    const result = await cli().run(["images", "-j", "283", "--untagged", "--all"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.filter((line) => line.startsWith("IMAGE ID"))).toHaveLength(1);
    expect(lines).toHaveLength(MANY + 1);
    expect(result.stderr).toBe(`${MANY} images\n`);
  });

  test("bad combinations and values are usage errors, and nothing is sent", async () => {
    const both = await cli().requestsDuring(["images", "-j", "282", "--tag", "cat", "--untagged"]);
    expect(both.result.code).toBe(2);
    expect(both.result.stderr).toContain("--tag and --untagged cannot be used together");
    expect(both.requests).toBe(0);
    const perPage = await cli().requestsDuring(["images", "-j", "282", "--per-page", "500", "--json"]);
    expect(perPage.result.code).toBe(2);
    expect(jsonOf(perPage.result)).toMatchObject({ is_success: false, error_code: "INVALID_PARAMETER", error_msg: expect.stringContaining("per_page") });
    expect(perPage.requests).toBe(0);
    const notNumber = await cli().requestsDuring(["images", "-j", "282", "--page", "two"]);
    expect(notNumber.result.code).toBe(2);
    expect(notNumber.result.stderr).toContain("option '--page <n>' argument 'two' is invalid");
    expect(notNumber.requests).toBe(0);
  });
});
