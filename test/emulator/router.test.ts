/**
 * Query keys that are not the operation's query parameters are refused, whatever their name:
 * a path parameter's name must not replace the (validated) path value, `body` must not hide
 * the body, and `__proto__` must not vanish into the prototype.
 */
import { expect, test } from "vitest";
import type { EmulatorJob } from "../../src/emulator/index.js";
import { TEST_PROJECT_ID, useEmulator } from "../support/emulator.js";
import { FAKE_JPEG } from "../support/images.js";

const CATS: EmulatorJob = { id: "282", name: "cats", data_path: "obs://bucket/cats/", project_id: TEST_PROJECT_ID, type: 0 };
const JOB = `/v1/${TEST_PROJECT_ID}/data-annotations/282`;
const env = useEmulator({ jobs: [CATS], objects: { "bucket/cats/a.jpg": FAKE_JPEG } });

test.each([
  ["a path parameter's name", "GET", `${JOB}/tags?project_id=other-project`, undefined, "project_id: is not a query parameter"],
  ["a job ID as a query key over a malformed job ID", "GET", `/v1/${TEST_PROJECT_ID}/data-annotations/28x/tags?data_annotation_id=282`, undefined, "data_annotation_id: is not a query parameter"],
  ["an image ID as a query key", "GET", `${JOB}/images/..%2Fx/tags?image_id=abc`, undefined, "image_id: is not a query parameter"],
  ["__proto__", "GET", `${JOB}/images?__proto__=x`, undefined, "__proto__: is not a query parameter"],
  ["body", "POST", `${JOB}/images/delete?body=zzz`, JSON.stringify({ image_id: ["a1"] }), "body: is not a query parameter"],
])("%s is refused with ModelArts.0104", async (_label, method, path, body, detail) => {
  const response = await env().send({ method, path, headers: { "X-Project-Id": TEST_PROJECT_ID, ...(body ? { "Content-Type": "application/json" } : {}) }, ...(body ? { body } : {}) });
  expect(response.status).toBe(400);
  const error = (await response.json()) as { error_code: string; error_msg: string };
  expect(error.error_code).toBe("ModelArts.0104");
  expect(error.error_msg).toContain(detail);
});

test("the operation's own query parameters still pass, repeated ones as the list no parameter takes", async () => {
  const ok = await env().send({ method: "GET", path: `${JOB}/images?tag_name=cat&per_page=5&page=1`, headers: { "X-Project-Id": TEST_PROJECT_ID } });
  expect(ok.status).toBe(200);
  const twice = await env().send({ method: "GET", path: `${JOB}/images?per_page=5&per_page=6`, headers: { "X-Project-Id": TEST_PROJECT_ID } });
  expect([twice.status, ((await twice.json()) as { error_code: string }).error_code]).toEqual([400, "ModelArts.0104"]);
});
