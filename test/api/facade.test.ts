/**
 * The facade's own behaviour, against small real HTTP servers on loopback for what the emulator
 * cannot show (refused and reset connections, silent servers, proxies answering HTML). The
 * service's behaviour is tested against the emulator in test/e2e.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  createClient,
  DataAnnotationsApi,
  LabelApi,
  ModelArtsAbortError,
  ModelArtsArgumentError,
  ModelArtsConfigError,
  ModelArtsNetworkError,
  ModelArtsValidationError,
  Secret,
  type CreateClientOptions,
} from "../../src/index.node.js";
import { closedPortUrl, useLoopbackServers } from "../support/loopback.js";

const packageVersion = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
const AK = "FACADETESTAK0000";
const SK = "facade-test-secret-key-never-shown";
const PROJECT = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

const serve = useLoopbackServers();

function offlineClient(extra: CreateClientOptions = {}) {
  // Any call reaching the transport fails the test: validation must happen before the network.
  const fetch = async (): Promise<Response> => {
    throw new Error("network must not be reached");
  };
  return createClient({ endpoint: "http://127.0.0.1:9", credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {}, fetch, ...extra });
}

describe("argument validation, before any network call", () => {
  const das = new DataAnnotationsApi(offlineClient());
  const cases: Array<[string, () => Promise<unknown>, string]> = [
    ["missing data_annotation_id", () => das.sync_obs({} as never), "data_annotation_id"],
    ["empty data_annotation_id", () => das.sync_obs({ data_annotation_id: "" }), "data_annotation_id"],
    ["a slash in an ID", () => das.sync_obs({ data_annotation_id: "28/2" }), "data_annotation_id"],
    ["dot-dot in an ID", () => das.delete_selected_image({ data_annotation_id: "282", image_id: ".." }), "image_id"],
    ["whitespace in an ID", () => das.sync_obs_status({ data_annotation_id: "282 " }), "data_annotation_id"],
    ["a control character in an ID", () => das.get_image_info_by_id({ data_annotation_id: "282", image_id: "a\u0000b" }), "image_id"],
    ["a slash in project_id", () => das.sync_obs({ project_id: "a/b", data_annotation_id: "282" }), "project_id"],
    ["per_page 0", () => das.show_images_by_tag({ data_annotation_id: "282", per_page: 0 }), "per_page"],
    ["per_page 101", () => das.show_images_by_tag({ data_annotation_id: "282", per_page: 101 }), "per_page"],
    ["per_page not an integer", () => das.show_images_by_tag({ data_annotation_id: "282", per_page: 2.5 }), "per_page"],
    ["page as a string", () => das.show_images_by_tag({ data_annotation_id: "282", page: "1" as never }), "page"],
    ["an unknown parameter", () => das.sync_obs({ data_annotation_id: "282", perpage: 3 } as never), "perpage"],
    ["a missing body", () => das.delete_selected_images({ data_annotation_id: "282" } as never), "body"],
    ["an empty ID list", () => das.delete_selected_images({ data_annotation_id: "282", body: { image_id: [] } }), "body.image_id"],
    [
      "a box with three coordinates",
      () => das.modify_image_info({ data_annotation_id: "282", body: { images: [{ image_id: "a1", tags: [{ tag: "cat", pos: [1, 2, 3] }] }] } }),
      "body.images[0].tags[0]",
    ],
    ["a bad job_id", () => new LabelApi(offlineClient()).query_validation({ job_id: "../x" }), "job_id"],
  ];
  it.each(cases)("rejects %s naming the parameter", async (_label, call, parameter) => {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelArtsValidationError);
    expect((error as ModelArtsValidationError).parameter).toBe(parameter);
    expect((error as Error).message).toContain(`'${parameter}'`);
  });

  it("explains a tag that is neither a name nor a box with the reason for each form", async () => {
    const error = await das
      .modify_image_info({ data_annotation_id: "282", body: { images: [{ image_id: "a1", tags: [{ tag: "cat", pos: [1, 2, 3] }] }] } })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain("fits no allowed form (must be string; or pos: must have at least 4 items)");
  });

  it("asks for project_id when neither the call nor the context gives one", async () => {
    const bare = new DataAnnotationsApi(offlineClient({ projectId: undefined }));
    await expect(bare.sync_obs({ data_annotation_id: "282" })).rejects.toMatchObject({
      name: "ModelArtsValidationError",
      parameter: "project_id",
    });
  });

  it.each([-1, 1.5, 2 ** 31, Number.NaN])("rejects a per-call timeout of %s", async (timeoutMs) => {
    await expect(das.sync_obs({ data_annotation_id: "282" }, { timeoutMs })).rejects.toMatchObject({
      name: "ModelArtsArgumentError",
      code: "INVALID_ARGUMENT",
      argument: "timeoutMs",
    });
  });

  it.each([-1, 1.5, 2 ** 31, 2 ** 32])("rejects a client timeout of %s when the client is made", (timeoutMs) => {
    expect(() => offlineClient({ timeoutMs })).toThrow(ModelArtsArgumentError);
  });

  it("rejects a helper built on something that is not a client", () => {
    expect(() => new DataAnnotationsApi({ raw: {} } as never)).toThrow(/must be a ModelArtsClient from createClient/);
    expect(() => new LabelApi(Object.create(offlineClient()) as never)).toThrow(ModelArtsArgumentError);
  });

  it("refuses empty credentials as configuration, not as a network failure", async () => {
    const error = await Promise.resolve()
      .then(() => new DataAnnotationsApi(offlineClient({ credentials: { ak: AK, sk: new Secret("") } })).sync_obs({ data_annotation_id: "282" }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsConfigError);
    expect(error).not.toBeInstanceOf(ModelArtsNetworkError);
  });
});

describe("requests on the wire", () => {
  it("sends the project from the context, a signature and X-Project-Id", async () => {
    const seen: IncomingMessage[] = [];
    const url = await serve((req, res) => {
      seen.push(req);
      res.writeHead(202, { "content-type": "application/json" }).end('{"is_success":true}');
    });
    const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {} }));
    await expect(das.sync_obs({ data_annotation_id: "282" })).resolves.toEqual({ is_success: true });
    const req = seen[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe(`/v1/${PROJECT}/data-annotations/282/obs/sync`);
    expect(req.headers["x-project-id"]).toBe(PROJECT);
    expect(req.headers["x-sdk-date"]).toMatch(/^\d{8}T\d{6}Z$/);
    expect(req.headers.authorization).toMatch(new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=[a-z;-]*host[a-z;-]*, Signature=[0-9a-f]{64}$`));
    expect(req.headers["user-agent"]).toBe(`modelarts-data-annotations/${packageVersion} node/${process.version}`);
  });

  it("sends X-Auth-Token and no signature with token credentials", async () => {
    const seen: IncomingMessage[] = [];
    const url = await serve((req, res) => {
      seen.push(req);
      res.writeHead(200, { "content-type": "application/json" }).end('{"is_success":true,"sync_status":0}');
    });
    const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { token: "tok-123" }, projectId: PROJECT, env: {} }));
    await expect(das.sync_obs_status({ data_annotation_id: "282" })).resolves.toEqual({ is_success: true, sync_status: 0 });
    expect(seen[0]!.headers["x-auth-token"]).toBe("tok-123");
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it("signs and sends X-Security-Token with temporary credentials", async () => {
    const seen: IncomingMessage[] = [];
    const url = await serve((req, res) => {
      seen.push(req);
      res.writeHead(204).end();
    });
    const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { ak: AK, sk: SK, securityToken: "sts-token" }, projectId: PROJECT, env: {} }));
    await expect(das.delete_selected_image({ data_annotation_id: "282", image_id: "abc" })).resolves.toEqual({ is_success: true });
    expect(seen[0]!.headers["x-security-token"]).toBe("sts-token");
    expect(seen[0]!.headers.authorization).toContain("x-security-token");
  });
});

describe("redirects", () => {
  it("are not followed, so tokens never reach the host a 3xx names", async () => {
    const elsewhere: IncomingMessage[] = [];
    const other = await serve((req, res) => {
      elsewhere.push(req);
      res.writeHead(200, { "content-type": "application/json" }).end('{"is_success":true,"sync_status":1}');
    });
    const url = await serve((_req, res) => res.writeHead(302, { location: `${other}/v1/x` }).end());
    for (const credentials of [{ token: "redirect-token" }, { ak: AK, sk: SK, securityToken: "redirect-sts" }]) {
      const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials, projectId: PROJECT, env: {} }));
      await expect(das.sync_obs_status({ data_annotation_id: "282" })).resolves.toMatchObject({
        is_success: false,
        http_status: 302,
        error_msg: expect.stringContaining("redirect not followed"),
      });
    }
    expect(elsewhere).toHaveLength(0);
  });
});

describe("answers that are not the service's JSON", () => {
  it("turns an HTML error page into a readable failure", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(502, { "content-type": "text/html", "x-request-id": "req-502" }).end("<html><body>Bad gateway</body></html>");
    });
    const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {} }));
    const result = await das.sync_obs({ data_annotation_id: "282" });
    expect(result).toEqual({
      is_success: false,
      error_code: "HTTP.502",
      error_msg: expect.stringContaining("Bad gateway"),
      http_status: 502,
      request_id: "req-502",
    });
  });

  it("reports an error status with an empty body", async () => {
    const url = await serve((_req, res) => res.writeHead(503).end());
    const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {} }));
    await expect(das.sync_obs({ data_annotation_id: "282" })).resolves.toMatchObject({
      is_success: false,
      error_code: "HTTP.503",
      http_status: 503,
      request_id: null,
    });
  });

  it("reports a truncated error body", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(400, { "content-type": "application/json" }).end('{"error_code":"ModelArts.43');
    });
    const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {} }));
    const result = await das.sync_obs({ data_annotation_id: "282" });
    expect(result).toMatchObject({ is_success: false, error_code: "HTTP.400", http_status: 400 });
    expect(result.is_success === false && result.error_msg).toContain("ModelArts.43");
  });

  it("does not call a truncated success body a success", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end('{"is_success":true,"sync_st');
    });
    const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {} }));
    await expect(das.sync_obs_status({ data_annotation_id: "282" })).resolves.toMatchObject({
      is_success: false,
      error_code: "CLIENT.INVALID_RESPONSE",
      http_status: 200,
    });
  });
});

describe("transport failures", () => {

  it("wraps a refused connection in ModelArtsNetworkError with its cause", async () => {
    const das = new DataAnnotationsApi(createClient({ endpoint: await closedPortUrl(), credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {} }));
    const error = await das.sync_obs({ data_annotation_id: "282" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsNetworkError);
    expect(error).toMatchObject({ reason: "network", code: "NETWORK_ERROR" });
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect((error as Error).cause).toBeDefined();
  });

  it("wraps a reset connection", async () => {
    const url = await serve((req) => req.socket.destroy());
    const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {} }));
    await expect(das.sync_obs({ data_annotation_id: "282" })).rejects.toMatchObject({ name: "ModelArtsNetworkError", reason: "network" });
  });

  it("wraps a DNS failure", async () => {
    const das = new DataAnnotationsApi(
      createClient({ endpoint: "http://no-such-host.invalid", credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {} }),
    );
    await expect(das.sync_obs({ data_annotation_id: "282" })).rejects.toMatchObject({ name: "ModelArtsNetworkError", reason: "network" });
  });

  it("times out with the client's timeoutMs", async () => {
    const url = await serve(() => undefined); // accepts, never answers
    const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {}, timeoutMs: 150 }));
    await expect(das.sync_obs({ data_annotation_id: "282" })).rejects.toMatchObject({ name: "ModelArtsNetworkError", reason: "timeout" });
  });

  it("lets a per-call timeoutMs extend the client's", async () => {
    const url = await serve((_req, res) => {
      setTimeout(() => res.writeHead(202, { "content-type": "application/json" }).end('{"is_success":true}'), 300);
    });
    const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {}, timeoutMs: 100 }));
    await expect(das.sync_obs({ data_annotation_id: "282" })).rejects.toMatchObject({ reason: "timeout", operation: "sync_obs" });
    await expect(das.sync_obs({ data_annotation_id: "282" }, { timeoutMs: 5_000 })).resolves.toEqual({ is_success: true });
    await expect(das.sync_obs({ data_annotation_id: "282" }, { timeoutMs: 0 })).resolves.toEqual({ is_success: true });
  });

  it("times out with a per-call timeoutMs", async () => {
    const url = await serve(() => undefined);
    const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {} }));
    await expect(das.sync_obs({ data_annotation_id: "282" }, { timeoutMs: 150 })).rejects.toMatchObject({ reason: "timeout" });
  });

  it("stops when the caller's AbortSignal fires", async () => {
    const url = await serve(() => undefined);
    const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {} }));
    const controller = new AbortController();
    const pending = das.sync_obs({ data_annotation_id: "282" }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsAbortError);
    expect(error).not.toBeInstanceOf(ModelArtsNetworkError);
    expect(error).toMatchObject({ code: "ABORTED", operation: "sync_obs" });
  });
});

describe("secrets stay secret", () => {
  it("never shows the SK, token or security token", async () => {
    const secrets = ["sk-very-secret-value", "sts-very-secret-token"];
    const client = createClient({
      endpoint: "http://127.0.0.1:9",
      credentials: { ak: AK, sk: secrets[0]!, securityToken: secrets[1]! },
      projectId: PROJECT,
      env: {},
      timeoutMs: 200,
    });
    const tokenClient = createClient({ endpoint: "http://127.0.0.1:9", credentials: { token: "tok-very-secret" }, env: {} });
    const error = await new DataAnnotationsApi(client).sync_obs({ data_annotation_id: "282" }).catch((e: unknown) => e);
    const shown = [
      JSON.stringify(client),
      inspect(client, { depth: 10, showHidden: true }),
      JSON.stringify(tokenClient),
      inspect(tokenClient, { depth: 10, showHidden: true }),
      String(error),
      inspect(error, { depth: 10, showHidden: true }),
      JSON.stringify(error),
    ].join("\n");
    for (const secret of [...secrets, "tok-very-secret"]) expect(shown).not.toContain(secret);
    expect(shown).toContain("127.0.0.1:9");
  });
});
