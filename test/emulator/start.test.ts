/**
 * startEmulator's contract with its callers: bad options fail at once with a TypeError
 * naming the option, and the handle starts and stops cleanly.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startEmulator, type EmulatorOptions } from "../../src/emulator/index.js";
import { DEFAULT_CREDENTIALS } from "../support/emulator.js";
import { TempObsRoot } from "../support/images.js";

let obs: TempObsRoot;
beforeAll(async () => {
  obs = await TempObsRoot.create({ "bucket/cats/a.png": "x", "not-a-folder": "x" });
});
afterAll(() => obs.dispose());

const job = { id: "282", name: "cats", data_path: "obs://bucket/cats/" };
const REVIEW = "062ef90a-da4d-4af4-82ba-1523da57e78e";
const valid = (): EmulatorOptions => ({ obsRoot: obs.path, credentials: DEFAULT_CREDENTIALS, jobs: [job] });

describe("option checks", () => {
  test.each<[string, (o: EmulatorOptions) => unknown, RegExp]>([
    ["obsRoot missing", (o) => ({ ...o, obsRoot: undefined }), /obsRoot/],
    ["obsRoot a file", (o) => ({ ...o, obsRoot: `${o.obsRoot}/not-a-folder` }), /obsRoot .* is not a folder/],
    ["no credentials", (o) => ({ ...o, credentials: [] }), /credentials must list at least one/],
    ["a credential with both kinds", (o) => ({ ...o, credentials: [{ ak: "A", sk: "B", token: "C" }] }), /credentials\[0\] must have either ak and sk, or token/],
    ["an empty SK", (o) => ({ ...o, credentials: [{ ak: "A", sk: "" }] }), /credentials\[0\]\.sk must not be empty/],
    ["a duplicate AK", (o) => ({ ...o, credentials: [{ ak: "A", sk: "B" }, { ak: "A", sk: "C" }] }), /credentials\[1\]\.ak/],
    ["a data_path without obs://", (o) => ({ ...o, jobs: [{ ...job, data_path: "/data/cats/" }] }), /jobs\[0\]\.data_path must look like obs:\/\/bucket\/prefix\//],
    ["a data_path that is not a folder", (o) => ({ ...o, jobs: [{ ...job, data_path: "obs://bucket/cats" }] }), /jobs\[0\]\.data_path must end with '\/'/],
    ["a data_path escaping the root", (o) => ({ ...o, jobs: [{ ...job, data_path: "obs://bucket/../../etc/" }] }), /jobs\[0\]\.data_path must not contain empty, '.' or '..' segments/],
    ["a data_path with a backslash", (o) => ({ ...o, jobs: [{ ...job, data_path: "obs://bucket/a\\..\\b/" }] }), /jobs\[0\]\.data_path must not contain backslashes/],
    ["duplicate job IDs", (o) => ({ ...o, jobs: [job, { ...job, name: "again" }] }), /jobs\[1\]\.id 282 is used by an earlier job/],
    ["a non-numeric job ID", (o) => ({ ...o, jobs: [{ ...job, id: "cats" }] }), /jobs\[0\]\.id must be a decimal string/],
    ["an unsupported job type", (o) => ({ ...o, jobs: [{ ...job, type: 2 }] }), /jobs\[0\]\.type must be 0 .* or 1/],
    ["a project ID the URL cannot carry", (o) => ({ ...o, jobs: [{ ...job, project_id: "a/b" }] }), /jobs\[0\]\.project_id must match/],
    ["an annotation job ID that is not a UUID", (o) => ({ ...o, annotationJobs: [{ id: "282", data_annotation_id: "282" }] }), /annotationJobs\[0\]\.id must be a lower-case UUID/],
    ["an annotation job ID in upper case", (o) => ({ ...o, annotationJobs: [{ id: REVIEW.toUpperCase(), data_annotation_id: "282" }] }), /annotationJobs\[0\]\.id must be a lower-case UUID/],
    ["an annotation job over no job", (o) => ({ ...o, annotationJobs: [{ id: REVIEW, data_annotation_id: "283" }] }), /annotationJobs\[0\]\.data_annotation_id must be the id of one of jobs, got "283"/],
    ["a duplicate annotation job", (o) => ({ ...o, annotationJobs: [{ id: REVIEW, data_annotation_id: "282" }, { id: REVIEW, data_annotation_id: "282" }] }), /annotationJobs\[1\]\.id .* is used by an earlier annotation job/],
    ["annotation jobs not a list", (o) => ({ ...o, annotationJobs: { id: REVIEW } }), /annotationJobs must be a list/],
    ["a bad port", (o) => ({ ...o, port: 70000 }), /port must be an integer from 0 to 65535/],
    ["a negative clock skew", (o) => ({ ...o, clockSkewMs: -1 }), /clockSkewMs must be a finite number >= 0/],
  ])("%s", async (_, change, message) => {
    const error = await startEmulator(change(valid()) as EmulatorOptions).then(
      (emulator) => emulator.close().then(() => undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^startEmulator: /);
    expect((error as Error).message).toMatch(message);
  });

  test("secrets are not quoted in option errors", async () => {
    const error = (await startEmulator({ ...valid(), credentials: [{ ak: "A,B", sk: "very-secret" }] }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("credentials[0].ak");
    expect(error.message).not.toContain("very-secret");
  });
});

describe("the handle", () => {
  test("has a loopback URL and port, and close() is idempotent", async () => {
    const emulator = await startEmulator(valid());
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
    expect(emulator.job("282")).toEqual({ id: "282", sync_status: 0, images: [] });
    expect(emulator.job("999")).toBeUndefined();
    await Promise.all([emulator.close(), emulator.close()]);
    await expect(fetch(`${emulator.url}/`)).rejects.toThrow();
  });

  test("an obsRoot that does not exist yet is accepted; syncs fail until it does", async () => {
    const later = `${obs.path}/created-later`;
    const emulator = await startEmulator({ ...valid(), obsRoot: later, credentials: [{ token: "t" }], syncDelayMs: 0 });
    try {
      const sync = () => fetch(`${emulator.url}/v1/p/data-annotations/282/obs/sync`, { method: "POST", headers: { "X-Auth-Token": "t" } });
      expect((await sync()).status).toBe(202);
      await emulator.idle();
      expect(emulator.job("282")?.sync_status).toBe(2);
      await obs.put({ "created-later/bucket/cats/a.png": "x" });
      expect((await sync()).status).toBe(202);
      await emulator.idle();
      expect(emulator.job("282")?.sync_status).toBe(1);
      expect(emulator.job("282")?.images).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });

  test("a port in use is an error at start", async () => {
    const first = await startEmulator(valid());
    try {
      await expect(startEmulator({ ...valid(), port: first.port })).rejects.toMatchObject({ code: "EADDRINUSE" });
    } finally {
      await first.close();
    }
  });

  test("close() ends a long sync delay instead of waiting it out", async () => {
    const emulator = await startEmulator({ ...valid(), credentials: [{ token: "t" }], syncDelayMs: 60_000 });
    const response = await fetch(`${emulator.url}/v1/p/data-annotations/282/obs/sync`, { method: "POST", headers: { "X-Auth-Token": "t" } });
    expect(response.status).toBe(202);
    const started = performance.now();
    await emulator.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(emulator.job("282")?.sync_status).toBe(1);
  });
});
