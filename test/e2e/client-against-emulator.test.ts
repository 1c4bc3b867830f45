/**
 * The public client against the emulator over loopback HTTP: the legacy SDK's flow, values that
 * must survive signing and the gateway, and each kind of credentials, as a user of the package
 * meets them. Each helper's own success and documented failures are in every-helper.test.ts.
 * The fixture records every exchange the client's transport makes and fails the test on any
 * contract violation, so each signed request and each answer here is also checked against
 * generated/openapi.json.
 */
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { createClient, DataAnnotationsApi } from "../../src/index.node.js";
import type { EmulatorJob } from "../../src/emulator/index.js";
import { imageIdOf } from "../../src/emulator/obs.js";
import { TEST_AK, TEST_PROJECT_ID, TEST_SK, TEST_TOKEN, useEmulator } from "../support/emulator.js";
import { tinyPng } from "../support/images.js";
import { publicApisFor } from "../support/public-client.js";

const CATS: EmulatorJob = { id: "282", name: "cats", data_path: "obs://bucket/cats/", project_id: TEST_PROJECT_ID, description: "", type: 0 };
const BOXES: EmulatorJob = { id: "290", name: "boxes", data_path: "obs://bucket/boxes/", type: 1 };
const GONE: EmulatorJob = { id: "291", name: "gone", data_path: "obs://bucket/not-there/", type: 0 };
const STS = { ak: "TEMPORARYAK0000001", sk: "temporary-sk-000000000000001", security_token: "sts-token-0001" };
const objects = {
  "bucket/cats/a.png": tinyPng(),
  "bucket/cats/b.png": tinyPng(),
  "bucket/cats/c.jpg": tinyPng(),
  "bucket/boxes/x.png": tinyPng(100, 80),
};
const cat = (name: string) => imageIdOf("bucket", `cats/${name}`);

const FIXTURE = { jobs: [CATS, BOXES, GONE], objects, credentials: [{ ak: TEST_AK, sk: TEST_SK }, { token: TEST_TOKEN }, STS] };
// Long enough that the first status poll after sync_obs sees state 3, even on a loaded machine
// (the regen tests run Java beside these); suites that do not watch state 3 go without it.
const SLOW_SYNC_MS = 1000;

const apiFor = publicApisFor;

async function settle(das: DataAnnotationsApi, data_annotation_id: string): Promise<number[]> {
  const seen: number[] = [];
  for (;;) {
    const status = await das.sync_obs_status({ data_annotation_id });
    if (!status.is_success) throw new Error(JSON.stringify(status));
    if (seen.at(-1) !== status.sync_status) seen.push(status.sync_status);
    if (status.sync_status !== 3 && status.sync_status !== 0) return seen;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("the legacy SDK's flow", () => {
  const env = useEmulator({ ...FIXTURE, syncDelayMs: SLOW_SYNC_MS });

  test('createClient({ context: "default" }) then sync_obs, sync_obs_status, show_images_by_tag', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "seed-flow-"));
    dirs.push(dir);
    const configFile = path.join(dir, "config.yaml");
    await writeFile(
      configFile,
      `current-context: other\ncontexts:\n  - name: default\n    region: cn-north-4\n    endpoint: ${env().url}\n    project_id: ${TEST_PROJECT_ID}\n    credentials:\n      ak: ${TEST_AK}\n      sk: ${TEST_SK}\n  - name: other\n    region: cn-north-1\n    credentials:\n      token: unused\n`,
    );
    await chmod(configFile, 0o600);
    const client = createClient({ context: "default", env: { MODELARTS_CONFIG: configFile }, fetch: env().contract.fetch });
    expect(client.endpoint).toBe(env().url);
    const das = new DataAnnotationsApi(client);

    expect(await das.sync_obs_status({ data_annotation_id: "282" })).toEqual({ is_success: true, sync_status: 0 });
    expect(await das.sync_obs({ project_id: TEST_PROJECT_ID, data_annotation_id: "282" })).toEqual({ is_success: true });
    expect(await settle(das, "282")).toEqual([3, 1]);

    const untagged = await das.show_images_by_tag({ data_annotation_id: "282", tag_name: "__none__" });
    expect(untagged).toMatchObject({ is_success: true, project_id: 282, project_name: "cats", data_path: "obs://bucket/cats/", total: 3 });
    expect(untagged.is_success && untagged.images.map((i) => i.url)).toEqual([
      "obs://bucket/cats/a.png",
      "obs://bucket/cats/b.png",
      "obs://bucket/cats/c.jpg",
    ]);
    // The flow went through the recording transport, so the fixture's contract check covers it.
    expect(env().contract.exchanges.map((e) => new URL(e.request.url).pathname)).toContain(`/v1/${TEST_PROJECT_ID}/data-annotations/282/obs/sync`);
  });

  test("a failed scan: 0 -> 3 -> 2 for a folder that does not exist", async () => {
    const { das } = apiFor(env());
    expect(await das.sync_obs({ data_annotation_id: GONE.id })).toEqual({ is_success: true });
    expect(await settle(das, GONE.id)).toEqual([3, 2]);
  });

  test("a re-sync after two objects are added and one removed keeps the tags of the rest", async () => {
    const { das } = apiFor(env());
    await das.sync_obs({ data_annotation_id: "282" });
    await settle(das, "282");
    expect(await das.modify_image_info({ data_annotation_id: "282", body: { images: [{ image_id: cat("a.png"), tags: ["cat", "tabby"] }, { image_id: cat("b.png"), tags: ["dog"] }] } })).toEqual({ is_success: true });

    await env().obs.put({ "bucket/cats/d.png": tinyPng(), "bucket/cats/e.jpg": tinyPng() });
    await env().obs.remove("bucket/cats/b.png");
    await das.sync_obs({ data_annotation_id: "282" });
    expect(await settle(das, "282")).toEqual([3, 1]);

    const tagged = await das.show_images_by_tag({ data_annotation_id: "282" });
    const untagged = await das.show_images_by_tag({ data_annotation_id: "282", tag_name: "__none__" });
    expect(tagged.is_success && tagged.images.map((i) => [i.url, i.tags])).toEqual([["obs://bucket/cats/a.png", ["cat", "tabby"]]]);
    expect(untagged.is_success && untagged.images.map((i) => i.url)).toEqual([
      "obs://bucket/cats/c.jpg",
      "obs://bucket/cats/d.png",
      "obs://bucket/cats/e.jpg",
    ]);
    expect(await das.query_tag_list({ data_annotation_id: "282" })).toEqual({ is_success: true, tags: ["cat", "tabby"] });
  });
});

describe("values that must survive the whole way", () => {
  const env = useEmulator({ ...FIXTURE, syncDelayMs: 0 });

  test("a tag name with unicode and URL-reserved characters survives signing, the query string and the gateway", async () => {
    const { das } = apiFor(env());
    await das.sync_obs({ data_annotation_id: "282" });
    await settle(das, "282");
    const tag = "猫 tabby+/&=?%";
    await das.modify_image_info({ data_annotation_id: "282", body: { images: [{ image_id: cat("b.png"), tags: [tag] }] } });
    const listed = await das.show_images_by_tag({ data_annotation_id: "282", tag_name: tag });
    expect(listed).toMatchObject({ is_success: true, total: 1, images: [{ image_id: cat("b.png"), tags: [tag] }] });
  });

  test("object detection boxes with the image size", async () => {
    const { das } = apiFor(env());
    await das.sync_obs({ data_annotation_id: BOXES.id });
    await settle(das, BOXES.id);
    const image_id = imageIdOf("bucket", "boxes/x.png");
    const box = { tag: "flower", pos: [10, 0, 60, 50] };
    expect(await das.modify_image_info({ data_annotation_id: BOXES.id, body: { images: [{ image_id, tags: [box] }], size: [100, 80] } })).toEqual({ is_success: true });
    expect(await das.get_image_info_by_id({ data_annotation_id: BOXES.id, image_id })).toEqual({ is_success: true, tags: [box], size: [100, 80] });
  });
});

describe("each kind of credentials", () => {
  const env = useEmulator({ ...FIXTURE, syncDelayMs: 0 });

  const failure = (error_code: string, http_status: number) => ({
    is_success: false,
    error_code,
    error_msg: expect.any(String),
    http_status,
    request_id: expect.stringMatching(/\S/),
  });

  test("token credentials and temporary AK/SK with their security token are accepted; a wrong security token is not", async () => {
    const byToken = apiFor(env(), { credentials: { token: TEST_TOKEN } }).das;
    expect(await byToken.sync_obs_status({ data_annotation_id: "282" })).toEqual({ is_success: true, sync_status: 0 });
    const temporary = apiFor(env(), { credentials: { ak: STS.ak, sk: STS.sk, securityToken: STS.security_token } }).das;
    expect(await temporary.sync_obs_status({ data_annotation_id: "282" })).toEqual({ is_success: true, sync_status: 0 });
    const staleToken = apiFor(env(), { credentials: { ak: STS.ak, sk: STS.sk, securityToken: "sts-token-expired" } }).das;
    expect(await staleToken.sync_obs_status({ data_annotation_id: "282" })).toEqual(failure("ModelArts.0208", 401));
  });
});
