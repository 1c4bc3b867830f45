/**
 * One validator for both sides: the client refuses before sending exactly what the emulator
 * answers with ModelArts.0104. Each case of a shared corpus (patterns, limits, uniqueItems,
 * oneOf, required fields, unknown fields and parameters, wrong types) goes through the client's
 * helper and, as the same HTTP request, straight to the emulator; the two verdicts must agree.
 * (The spec has no date-time or enum among its request fields; those keywords are covered by
 * the differential test against Ajv in ./json-schema.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { OPERATIONS, type OperationName } from "../../generated/operations.js";
import { createClient, DataAnnotationsApi, LabelApi, ModelArtsValidationError } from "../../src/index.node.js";
import type { EmulatorJob } from "../../src/emulator/index.js";
import { TEST_AK, TEST_PROJECT_ID, TEST_SK, useEmulator } from "../support/emulator.js";
import { FAKE_JPEG } from "../support/images.js";

const CATS: EmulatorJob = { id: "282", name: "cats", data_path: "obs://bucket/cats/", project_id: TEST_PROJECT_ID, type: 0 };
const IMAGE = "0123456789abcdef0123456789abcdef";

type Case = [label: string, operation: OperationName, args: Record<string, unknown>];

const JOB = { data_annotation_id: "282" };
const CORPUS: Case[] = [
  ["a well-formed listing", "show_images_by_tag", { ...JOB, tag_name: "cat", per_page: 5, page: 2 }],
  ["per_page at its maximum", "show_images_by_tag", { ...JOB, per_page: 100 }],
  ["per_page past its maximum", "show_images_by_tag", { ...JOB, per_page: 101 }],
  ["per_page 0", "show_images_by_tag", { ...JOB, per_page: 0 }],
  ["page 0", "show_images_by_tag", { ...JOB, page: 0 }],
  ["page past int32", "show_images_by_tag", { ...JOB, page: 2 ** 31 }],
  ["a fractional page", "show_images_by_tag", { ...JOB, page: 1.5 }],
  ["an empty tag_name", "show_images_by_tag", { ...JOB, tag_name: "" }],
  ["a tag_name of 256 characters", "show_images_by_tag", { ...JOB, tag_name: "x".repeat(256) }],
  ["a tag_name of 257 characters", "show_images_by_tag", { ...JOB, tag_name: "x".repeat(257) }],
  ["a tag_name of 256 astral characters (code points, not UTF-16 units)", "show_images_by_tag", { ...JOB, tag_name: "😺".repeat(256) }],
  ["an unknown query parameter", "show_images_by_tag", { ...JOB, perpage: 5 }],
  ["a job ID with a letter", "sync_obs", { data_annotation_id: "28a" }],
  ["a job ID of 20 digits", "sync_obs", { data_annotation_id: "1".repeat(20) }],
  ["a job ID of 19 digits", "sync_obs_status", { data_annotation_id: "1".repeat(19) }],
  ["an image ID with a dot", "get_image_info_by_id", { ...JOB, image_id: "a.b" }],
  ["an image ID of 65 characters", "delete_selected_image", { ...JOB, image_id: "a".repeat(65) }],
  ["a well-formed image ID", "get_image_info_by_id", { ...JOB, image_id: IMAGE }],
  ["a job UUID for query_validation", "query_validation", { job_id: "062ef90a-da4d-4af4-82ba-1523da57e78e" }],
  ["a job ID starting with a dash", "query_validation", { job_id: "-062ef90a" }],
  ["image IDs without duplicates", "get_image_info_by_ids", { ...JOB, body: { image_id: [IMAGE, "b".repeat(32)] } }],
  ["a duplicated image ID", "get_image_info_by_ids", { ...JOB, body: { image_id: [IMAGE, IMAGE] } }],
  ["no image IDs", "delete_selected_images", { ...JOB, body: { image_id: [] } }],
  ["1001 image IDs", "delete_selected_images", { ...JOB, body: { image_id: Array.from({ length: 1001 }, (_, i) => `img${i}`) } }],
  ["a body without image_id", "delete_selected_images", { ...JOB, body: {} }],
  ["an unknown body field", "delete_selected_images", { ...JOB, body: { image_id: [IMAGE], force: true } }],
  ["image IDs as a string", "get_image_info_by_ids", { ...JOB, body: { image_id: IMAGE } }],
  ["a retag with names", "modify_image_info", { ...JOB, body: { images: [{ image_id: IMAGE, tags: ["cat", "dog"] }] } }],
  ["a retag with a box", "modify_image_info", { ...JOB, body: { images: [{ image_id: IMAGE, tags: [{ tag: "cat", pos: [0, 0, 1, 1] }] }], size: [10, 10] } }],
  ["a box with three coordinates", "modify_image_info", { ...JOB, body: { images: [{ image_id: IMAGE, tags: [{ tag: "cat", pos: [0, 0, 1] }] }] } }],
  ["a negative coordinate", "modify_image_info", { ...JOB, body: { images: [{ image_id: IMAGE, tags: [{ tag: "cat", pos: [-1, 0, 1, 1] }] }] } }],
  ["a tag that is a number", "modify_image_info", { ...JOB, body: { images: [{ image_id: IMAGE, tags: [7] }] } }],
  ["an empty tag name", "modify_image_info", { ...JOB, body: { images: [{ image_id: IMAGE, tags: [""] }] } }],
  ["an image without tags", "modify_image_info", { ...JOB, body: { images: [{ image_id: IMAGE }] } }],
  ["no images", "modify_image_info", { ...JOB, body: { images: [] } }],
  ["200 tags on one image (the project's limit)", "modify_image_info", { ...JOB, body: { images: [{ image_id: IMAGE, tags: Array.from({ length: 200 }, (_, i) => `t${i}`) }] } }],
  ["201 tags on one image", "modify_image_info", { ...JOB, body: { images: [{ image_id: IMAGE, tags: Array.from({ length: 201 }, (_, i) => `t${i}`) }] } }],
  ["an unknown field in an image", "modify_image_info", { ...JOB, body: { images: [{ image_id: IMAGE, tags: [], colour: "red" }] } }],
];

/** The request a helper would send for `args`, built by hand so that the emulator sees it even when the client refuses it. */
function rawRequest(operation: OperationName, args: Record<string, unknown>): { method: string; path: string; body?: string; headers?: Record<string, string> } {
  const entry = OPERATIONS[operation];
  const values: Record<string, unknown> = { project_id: TEST_PROJECT_ID, ...args };
  const path = entry.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(values[name])));
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(args)) {
    if (key !== "body" && !(entry.pathParameters as readonly string[]).includes(key)) query.set(key, String(value));
  }
  const search = query.size > 0 ? `?${query}` : "";
  return {
    method: entry.method.toUpperCase(),
    path: path + search,
    ...(args.body !== undefined ? { body: JSON.stringify(args.body), headers: { "Content-Type": "application/json", "X-Project-Id": TEST_PROJECT_ID } } : { headers: { "X-Project-Id": TEST_PROJECT_ID } }),
  };
}

describe("client and emulator agree on what the spec allows", () => {
  const env = useEmulator({ jobs: [CATS], objects: { "bucket/cats/a.jpg": FAKE_JPEG } });
  const verdicts: string[] = [];

  it.each(CORPUS)("%s (%s)", async (_label, operation, args) => {
    let sent = 0;
    const client = createClient({
      endpoint: env().url,
      projectId: TEST_PROJECT_ID,
      credentials: { ak: TEST_AK, sk: TEST_SK },
      env: {},
      fetch: (request) => {
        sent += 1;
        return env().contract.fetch(request);
      },
    });
    const api = OPERATIONS[operation].tag === "Label" ? new LabelApi(client) : new DataAnnotationsApi(client);
    const helper = (api as unknown as Record<string, (params: unknown) => Promise<{ is_success: boolean; error_code?: string }>>)[operation]!.bind(api);
    const clientVerdict = await helper(args).then(
      (result) => (result.is_success || result.error_code !== "ModelArts.0104" ? "accepted" : "refused by the emulator after sending"),
      (error: unknown) => {
        if (error instanceof ModelArtsValidationError) return "refused";
        throw error;
      },
    );
    // What the client refused was never sent; what it sent, the emulator did not refuse as invalid.
    expect(clientVerdict).not.toBe("refused by the emulator after sending");
    expect(sent).toBe(clientVerdict === "refused" ? 0 : 1);

    const response = await env().send(rawRequest(operation, args));
    const body = response.status === 204 ? undefined : ((await response.json()) as { error_code?: string });
    const emulatorVerdict = response.status === 400 && body?.error_code === "ModelArts.0104" ? "refused" : "accepted";
    expect(emulatorVerdict).toBe(clientVerdict);
    verdicts.push(clientVerdict);
  });

  it("saw both verdicts many times, so agreement is not trivial", () => {
    expect(verdicts).toHaveLength(CORPUS.length);
    expect(verdicts.filter((v) => v === "refused").length).toBeGreaterThan(15);
    expect(verdicts.filter((v) => v === "accepted").length).toBeGreaterThan(5);
  });
});

describe("what the spec's patterns do not say", () => {
  it("a lone surrogate in a path or query value is a ModelArtsValidationError before any request, not a network error", async () => {
    let sent = 0;
    const client = createClient({ endpoint: "http://127.0.0.1:9", projectId: TEST_PROJECT_ID, credentials: { token: "t" }, env: {}, retry: false, fetch: async () => {
      sent += 1;
      return new Response(null, { status: 500 });
    } });
    const das = new DataAnnotationsApi(client);
    for (const tag_name of ["\uD800", "a\uDFFFb"]) {
      const error = await das.show_images_by_tag({ data_annotation_id: "282", tag_name }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelArtsValidationError);
      expect(error).toMatchObject({ parameter: "tag_name", message: expect.stringContaining("well-formed Unicode") });
    }
    // A well-formed pair of surrogates (one emoji) is fine.
    expect(await das.show_images_by_tag({ data_annotation_id: "282", tag_name: "😺" })).toMatchObject({ is_success: false, http_status: 500 });
    expect(sent).toBe(1);
  });
});
