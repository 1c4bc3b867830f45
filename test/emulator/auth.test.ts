/**
 * The emulator's gateway: which requests it lets through, and the 401/403 codes of
 * those it refuses. Crafted requests are signed with our signer and then altered, so
 * each test changes exactly one thing after signing.
 */
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js";
import type { ICredential } from "@huaweicloud/huaweicloud-sdk-core/auth/ICredential.js";
import { describe, expect, test } from "vitest";
import { signRequestOnNode as signRequest } from "../../src/auth/signer-node.js";
import type { SigningCredentials } from "../../src/auth/signer.js";
import type { EmulatorJob } from "../../src/emulator/index.js";
import { API } from "../support/client.js";
import { DEFAULT_CREDENTIALS, TEST_AK, TEST_PROJECT_ID, TEST_SK, TEST_TOKEN, useEmulator, withEmulator } from "../support/emulator.js";
import { tinyPng } from "../support/images.js";

const CATS: EmulatorJob = { id: "282", name: "cats", data_path: "obs://bucket/cats/" };
const TEMP = { ak: "TEMPORARYACCESSKEY01", sk: "temporary-secret-key", security_token: "temporary-security-token" };
const BOUND_TOKEN = { token: "token-of-another-project", project_id: "another-project" };
const BOUND_KEY = { ak: "BOUNDACCESSKEY000001", sk: "bound-secret-key", project_id: "another-project" };
const EXPIRED = { token: "expired-token", expires_at: "2000-01-01T00:00:00Z" };
const SECRETS = [TEST_SK, TEST_TOKEN, TEMP.sk, TEMP.security_token, BOUND_TOKEN.token, BOUND_KEY.sk, EXPIRED.token];

const logLines: string[] = [];
const env = useEmulator({
  jobs: [CATS],
  objects: { "bucket/cats/a.png": tinyPng() },
  credentials: [...DEFAULT_CREDENTIALS, TEMP, BOUND_TOKEN, BOUND_KEY, EXPIRED],
  logger: (line) => logLines.push(line),
});

const STATUS_PATH = `/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/obs/sync-status`;
const SHOW_PATH = `/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/tags/show`;
const jobPath = { project_id: TEST_PROJECT_ID, data_annotation_id: CATS.id };

interface Crafted {
  method?: string;
  path?: string;
  /** Headers sent, and signed unless altered below. */
  headers?: Record<string, string>;
  body?: string;
  credentials?: SigningCredentials;
  date?: Date;
  /** Applied to the headers after signing. */
  alter?: (headers: Headers) => void;
  /** Body sent instead of the signed one. */
  sentBody?: string;
}

/** Signs with our signer, applies the alteration, sends through the recording fetch. */
async function craft(request: Crafted): Promise<{ status: number; body: { error_code?: string; error_msg?: string } }> {
  const { url: base, contract } = env();
  const method = request.method ?? "GET";
  const url = base + (request.path ?? STATUS_PATH);
  const headers = new Headers(request.headers);
  const added = signRequest({ method, url, headers, body: request.body ?? null }, request.credentials ?? { ak: TEST_AK, sk: TEST_SK }, request.date);
  for (const [name, value] of Object.entries(added)) headers.set(name, value);
  request.alter?.(headers);
  const body = request.sentBody ?? request.body;
  const response = await contract.fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: response.status, body: (await response.json()) as { error_code?: string; error_msg?: string } };
}

async function unsigned(headers: Record<string, string>): Promise<{ status: number; body: { error_code?: string } }> {
  const response = await env().contract.fetch(env().url + STATUS_PATH, { headers });
  return { status: response.status, body: (await response.json()) as { error_code?: string } };
}

const MINUTE = 60_000;

describe("accepted", () => {
  test("a request signed by our signer, through the typed client", async () => {
    const { data, response } = await env().client.GET(API.syncStatus, { params: { path: jobPath } });
    expect(response.status).toBe(200);
    expect(data).toEqual({ is_success: true, sync_status: 0 });
  });

  test("requests signed by the official Huawei Cloud SDK signer, with a query and with a JSON body", async () => {
    const { url, contract } = env();
    const credential = { getAk: () => TEST_AK, getSk: () => TEST_SK } as unknown as ICredential;
    await env().syncAndWait(CATS.id);

    const listing = AKSKSigner.sign(
      { endpoint: `${url}/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/images`, method: "GET", headers: {}, queryParams: { tag_name: "__none__", per_page: "5" } },
      credential,
    ) as Record<string, string>;
    delete listing["host"]; // fetch sends the same Host itself
    const list = await contract.fetch(`${url}/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/images?tag_name=__none__&per_page=5`, { headers: listing });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { total: number }).total).toBe(1);

    const data = { image_id: ["0123456789abcdef0123456789abcdef"] };
    const posting = AKSKSigner.sign(
      { endpoint: `${url}${SHOW_PATH}`, method: "POST", headers: { "Content-Type": "application/json" }, queryParams: {}, data },
      credential,
    ) as Record<string, string>;
    delete posting["host"];
    const show = await contract.fetch(`${url}${SHOW_PATH}`, { method: "POST", headers: posting, body: JSON.stringify(data) });
    // Past the gateway: the answer is the service's own.
    expect(show.status).toBe(400);
    expect(((await show.json()) as { error_code: string }).error_code).toBe("ModelArts.4420");
  });

  test("a configured IAM token", async () => {
    const { response } = await env().tokenClient.GET(API.syncStatus, { params: { path: jobPath } });
    expect(response.status).toBe(200);
  });

  test("temporary credentials with their signed security token", async () => {
    const client = env().clientWith({ ak: TEMP.ak, sk: TEMP.sk, securityToken: TEMP.security_token });
    expect((await client.GET(API.syncStatus, { params: { path: jobPath } })).response.status).toBe(200);
  });

  test("an X-Sdk-Date just inside the allowed skew, either way", async () => {
    expect((await craft({ date: new Date(Date.now() - 14 * MINUTE) })).status).toBe(200);
    expect((await craft({ date: new Date(Date.now() + 14 * MINUTE) })).status).toBe(200);
  });

  test("the gateway clock can be injected", async () => {
    const past = new Date("2019-12-03T08:00:00Z");
    const fixture = await withEmulator({ jobs: [CATS], now: () => past });
    try {
      const onTime = fixture.clientWith({ ak: TEST_AK, sk: TEST_SK }, () => past);
      expect((await onTime.GET(API.syncStatus, { params: { path: jobPath } })).response.status).toBe(200);
      const late = await fixture.client.GET(API.syncStatus, { params: { path: jobPath } });
      expect([late.response.status, late.error?.error_code]).toEqual([401, "ModelArts.0207"]);
      await fixture.contract.assertNoViolations();
    } finally {
      await fixture.close();
    }
  });
});

describe("refused with 401", () => {
  test("no Authorization and no token: ModelArts.0205", async () => {
    expect(await unsigned({})).toEqual({ status: 401, body: { error_code: "ModelArts.0205", error_msg: "No key Authorization in header." } });
  });

  test("a malformed Authorization: ModelArts.0206", async () => {
    for (const authorization of ["SDK-HMAC-SHA256 garbage", "Bearer abc", `SDK-HMAC-SHA256 Access=${TEST_AK}, SignedHeaders=host;x-sdk-date`]) {
      const result = await unsigned({ Authorization: authorization, "X-Sdk-Date": "20191203T080000Z" });
      expect([result.status, result.body.error_code]).toEqual([401, "ModelArts.0206"]);
    }
    // Well-formed, but the wrong algorithm, or host and x-sdk-date left unsigned.
    const wrongAlgorithm = await craft({ alter: (h) => h.set("Authorization", h.get("Authorization")!.replace("SDK-HMAC-SHA256", "SDK-HMAC-SHA1")) });
    expect([wrongAlgorithm.status, wrongAlgorithm.body.error_code]).toEqual([401, "ModelArts.0206"]);
    const hostUnsigned = await craft({ alter: (h) => h.set("Authorization", h.get("Authorization")!.replace("SignedHeaders=host;", "SignedHeaders=")) });
    expect([hostUnsigned.status, hostUnsigned.body.error_code]).toEqual([401, "ModelArts.0206"]);
  });

  test("an unknown access key: ModelArts.3801", async () => {
    const result = await craft({ credentials: { ak: "NOSUCHACCESSKEY00001", sk: TEST_SK } });
    expect([result.status, result.body.error_code]).toEqual([401, "ModelArts.3801"]);
  });

  test("a signature made with the wrong SK: ModelArts.0208", async () => {
    const result = await craft({ credentials: { ak: TEST_AK, sk: "not-the-secret-key" } });
    expect(result).toEqual({ status: 401, body: { error_code: "ModelArts.0208", error_msg: "Verify Authorization header failed." } });
  });

  test("an X-Sdk-Date outside the skew, either way, or unreadable: ModelArts.0207", async () => {
    for (const date of [new Date(Date.now() - 16 * MINUTE), new Date(Date.now() + 16 * MINUTE)]) {
      const result = await craft({ date });
      expect([result.status, result.body.error_code]).toEqual([401, "ModelArts.0207"]);
    }
    const unreadable = await craft({ alter: (h) => h.set("X-Sdk-Date", "2019-12-03T08:00:00Z") });
    expect([unreadable.status, unreadable.body.error_code]).toEqual([401, "ModelArts.0207"]);
    const missing = await craft({ alter: (h) => h.delete("X-Sdk-Date") });
    expect([missing.status, missing.body.error_code]).toEqual([401, "ModelArts.0207"]);
  });

  test("a body changed after signing: ModelArts.0208", async () => {
    const signedBody = JSON.stringify({ image_id: ["0123456789abcdef0123456789abcdef"] });
    const sentBody = JSON.stringify({ image_id: ["fedcba9876543210fedcba9876543210"] });
    const headers = { "Content-Type": "application/json" };
    expect((await craft({ method: "POST", path: SHOW_PATH, headers, body: signedBody })).body.error_code).toBe("ModelArts.4420");
    const result = await craft({ method: "POST", path: SHOW_PATH, headers, body: signedBody, sentBody });
    expect([result.status, result.body.error_code]).toEqual([401, "ModelArts.0208"]);
  });

  test("a signed header changed after signing: ModelArts.0208", async () => {
    const result = await craft({ headers: { "X-Project-Id": TEST_PROJECT_ID, "X-Trace": "a" }, alter: (h) => h.set("X-Trace", "b") });
    expect([result.status, result.body.error_code]).toEqual([401, "ModelArts.0208"]);
  });

  test("a query or path changed after signing: ModelArts.0208", async () => {
    const { url, contract } = env();
    const signedUrl = `${url}/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/images?per_page=5`;
    const headers = new Headers(signRequest({ method: "GET", url: signedUrl }, { ak: TEST_AK, sk: TEST_SK }));
    const response = await contract.fetch(signedUrl.replace("per_page=5", "per_page=6"), { headers });
    expect([response.status, ((await response.json()) as { error_code: string }).error_code]).toEqual([401, "ModelArts.0208"]);
  });

  test("every security-token failure answers exactly as a wrong signature: ModelArts.0208 with one message", async () => {
    const refused = { status: 401, body: { error_code: "ModelArts.0208", error_msg: "Verify Authorization header failed." } };
    const cases: Record<string, Crafted> = {
      // Without the SK, the right and a wrong token must be indistinguishable.
      "wrong SK, right token": { credentials: { ak: TEMP.ak, sk: "not-the-secret-key", securityToken: TEMP.security_token } },
      "wrong SK, wrong token": { credentials: { ak: TEMP.ak, sk: "not-the-secret-key", securityToken: "not-the-security-token" } },
      "wrong SK, no token": { credentials: { ak: TEMP.ak, sk: "not-the-secret-key" } },
      // With the SK, whatever is wrong about the token looks the same too.
      "right SK, no token": { credentials: { ak: TEMP.ak, sk: TEMP.sk } },
      "right SK, wrong token": { credentials: { ak: TEMP.ak, sk: TEMP.sk, securityToken: "not-the-security-token" } },
      "right SK, right token sent unsigned": { credentials: { ak: TEMP.ak, sk: TEMP.sk }, alter: (h) => h.set("X-Security-Token", TEMP.security_token) },
      "a permanent key with a security token": { credentials: { ak: TEST_AK, sk: TEST_SK, securityToken: TEMP.security_token } },
    };
    for (const [name, request] of Object.entries(cases)) expect({ name, ...(await craft(request)) }).toEqual({ name, ...refused });
  });

  test("tokens: empty (0201), expired (0202), unknown (0203)", async () => {
    expect((await unsigned({ "X-Auth-Token": "" })).body.error_code).toBe("ModelArts.0201");
    expect((await unsigned({ "X-Auth-Token": EXPIRED.token })).body.error_code).toBe("ModelArts.0202");
    const unknown = await unsigned({ "X-Auth-Token": "no-such-token" });
    expect([unknown.status, unknown.body.error_code]).toEqual([401, "ModelArts.0203"]);
  });
});

describe("refused with 403", () => {
  test("a token or key bound to another project: ModelArts.0210", async () => {
    const byToken = await env().clientWith({ token: BOUND_TOKEN.token }).GET(API.syncStatus, { params: { path: jobPath } });
    expect([byToken.response.status, byToken.error?.error_code]).toEqual([403, "ModelArts.0210"]);
    const byKey = await env().clientWith({ ak: BOUND_KEY.ak, sk: BOUND_KEY.sk }).GET(API.syncStatus, { params: { path: jobPath } });
    expect([byKey.response.status, byKey.error?.error_code]).toEqual([403, "ModelArts.0210"]);
    // In their own project they pass the gateway (the job is visible to every project).
    const own = await env().clientWith({ token: BOUND_TOKEN.token }).GET(API.syncStatus, { params: { path: { ...jobPath, project_id: BOUND_TOKEN.project_id } } });
    expect(own.response.status).toBe(200);
  });

  test("an X-Project-Id that is not the URL's project: ModelArts.0210", async () => {
    const result = await craft({ headers: { "X-Project-Id": "another-project" } });
    expect([result.status, result.body.error_code]).toEqual([403, "ModelArts.0210"]);
  });
});

describe("order of checks, as at the gateway", () => {
  test("authentication comes before validation, routing before authentication", async () => {
    const invalid = await env().contract.fetch(`${env().url}/v1/${TEST_PROJECT_ID}/data-annotations/${CATS.id}/images?per_page=101`);
    expect([invalid.status, ((await invalid.json()) as { error_code: string }).error_code]).toEqual([401, "ModelArts.0205"]);
    const unknown = await env().contract.fetch(`${env().url}/v1/${TEST_PROJECT_ID}/no-such-api`);
    expect([unknown.status, ((await unknown.json()) as { error_code: string }).error_code]).toEqual([404, "ModelArts.4204"]);
  });
});

test("no secret appears in any answer or log line", async () => {
  await craft({ credentials: { ak: TEST_AK, sk: "wrong" } });
  await craft({ credentials: { ak: TEMP.ak, sk: TEMP.sk }, alter: (h) => h.set("X-Security-Token", TEMP.security_token) });
  await unsigned({ "X-Auth-Token": EXPIRED.token });
  await unsigned({ "X-Auth-Token": BOUND_TOKEN.token });
  await env().tokenClient.GET(API.syncStatus, { params: { path: jobPath } });
  const answers = env().contract.exchanges.map((e) => JSON.stringify(e.response));
  expect(logLines.length).toBeGreaterThan(0);
  for (const secret of SECRETS) {
    for (const text of [...answers, ...logLines]) expect(text).not.toContain(secret);
  }
});
