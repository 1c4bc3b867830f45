/**
 * No credential reaches any output, whatever characters it holds: a value that cannot go in a
 * header is refused where it is resolved (options, environment, file), naming the field and the
 * source, never the value; and what a lower layer (fetch, Headers, a custom transport) says about
 * a request is redacted before it becomes part of our error.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  createClient,
  DataAnnotationsApi,
  ModelArtsArgumentError,
  ModelArtsConfigError,
  ModelArtsError,
  ModelArtsNetworkError,
  type CreateClientOptions,
} from "../../src/index.node.js";
import { useLoopbackServers } from "../support/loopback.js";

const CANARY = "CanarySecret7f3a9c";
const PROJECT = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
// What a YAML `|` block, a "\n" in a file or a pasted variable leaves in a value.
const BAD_CHARACTERS: [string, string][] = [
  ["a line feed", "\n"],
  ["a carriage return", "\r"],
  ["a NUL", "\u0000"],
  ["an ANSI escape", "\u001b[31m"],
  ["a tab", "\t"],
  ["a non-Latin-1 character", "\u4e2d"],
];

/** Every way an error is shown: message, stack, inspect (causes included), JSON, String. */
function renderings(error: unknown): string {
  return [String(error), (error as Error).stack, inspect(error, { depth: Infinity, showHidden: true }), JSON.stringify(error)].join("\n");
}

function expectNoCanary(error: unknown, canary = CANARY): void {
  const shown = renderings(error);
  expect(shown).not.toContain(canary);
  // The tail of the value would give most of it away as well.
  expect(shown).not.toContain(canary.slice(6));
}

async function caught(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

const serve = useLoopbackServers();
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configFile(credentials: string): string {
  const dir = mkdtempSync(join(tmpdir(), "modelarts-faults-"));
  dirs.push(dir);
  const path = join(dir, "config.yaml");
  writeFileSync(path, `contexts:\n  - name: c\n    endpoint: http://127.0.0.1:9\n    credentials:\n${credentials}`, { mode: 0o600 });
  return path;
}

describe("credentials with characters a header cannot carry are refused at resolution", () => {
  describe.each(BAD_CHARACTERS)("%s", (_, bad) => {
    const value = `${CANARY}${bad}${CANARY}`;
    const optionCases: [string, CreateClientOptions["credentials"], string][] = [
      ["ak", { ak: value, sk: "sk" }, "credentials.ak"],
      ["sk", { ak: "AK", sk: value }, "credentials.sk"],
      ["securityToken", { ak: "AK", sk: "sk", securityToken: value }, "credentials.securityToken"],
      ["token", { token: value }, "credentials.token"],
    ];
    it.each(optionCases)("option %s", async (_name, credentials, field) => {
      const error = await caught(() => createClient({ endpoint: "http://127.0.0.1:9", credentials, env: {} }));
      expect(error).toBeInstanceOf(ModelArtsConfigError);
      expect((error as ModelArtsConfigError).field).toBe(field);
      expect((error as Error).message).toMatch(new RegExp(`^invalid option ${field.replace(".", "\\.")}: must be printable ASCII`));
      expect((error as Error).message).toMatch(/position 19/);
      expectNoCanary(error);
    });

    const envCases: [string, Record<string, string>][] = [
      ["HUAWEICLOUD_SDK_AK", { HUAWEICLOUD_SDK_AK: value, HUAWEICLOUD_SDK_SK: "sk" }],
      ["HUAWEICLOUD_SDK_SK", { HUAWEICLOUD_SDK_AK: "AK", HUAWEICLOUD_SDK_SK: value }],
      ["HUAWEICLOUD_SDK_SECURITY_TOKEN", { HUAWEICLOUD_SDK_AK: "AK", HUAWEICLOUD_SDK_SK: "sk", HUAWEICLOUD_SDK_SECURITY_TOKEN: value }],
    ];
    it.each(envCases)("environment variable %s", async (name, env) => {
      const error = await caught(() => createClient({ endpoint: "http://127.0.0.1:9", env }));
      expect(error).toBeInstanceOf(ModelArtsConfigError);
      expect((error as ModelArtsConfigError).field).toBe(name);
      expect((error as Error).message).toContain(`invalid environment variable ${name}: must be printable ASCII`);
      expectNoCanary(error);
    });

    // JSON string escapes put the character into the YAML value whatever it is.
    const yamlValue = JSON.stringify(value);
    const fileCases: [string, string][] = [
      ["credentials.ak", `      ak: ${yamlValue}\n      sk: s\n`],
      ["credentials.sk", `      ak: A\n      sk: ${yamlValue}\n`],
      ["credentials.security_token", `      ak: A\n      sk: s\n      security_token: ${yamlValue}\n`],
      ["credentials.token", `      token: ${yamlValue}\n`],
    ];
    it.each(fileCases)("file field %s", async (field, yaml) => {
      const path = configFile(yaml);
      const error = await caught(() => createClient({ configFile: path, context: "c", env: {} }));
      expect(error).toBeInstanceOf(ModelArtsConfigError);
      expect((error as ModelArtsConfigError).field).toBe(field);
      expect((error as ModelArtsConfigError).file).toBe(path);
      expect((error as Error).message).toContain("must be printable ASCII");
      expectNoCanary(error);
    });
  });

  it("a YAML | block (which ends in a line break) is refused, not sent", async () => {
    const path = configFile(`      ak: A\n      sk: |\n        ${CANARY}\n`);
    const error = await caught(() => createClient({ configFile: path, context: "c", env: {} }));
    expect(error).toBeInstanceOf(ModelArtsConfigError);
    expect((error as Error).message).toMatch(/credentials\.sk.*position 19/s);
    expectNoCanary(error);
  });

  it("a space at either end is refused, one inside is not", () => {
    for (const sk of [` ${CANARY}`, `${CANARY} `]) {
      const error = (() => {
        try {
          createClient({ endpoint: "http://127.0.0.1:9", credentials: { ak: "AK", sk }, env: {} });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ModelArtsConfigError);
      expect((error as Error).message).toContain("starts or ends with a space");
      expectNoCanary(error);
    }
    expect(createClient({ endpoint: "http://127.0.0.1:9", credentials: { ak: "AK", sk: "a: b # c" }, env: {} }).endpoint).toBe("http://127.0.0.1:9");
  });

  it("the environment's credentials are not read when options give credentials", () => {
    const client = createClient({
      endpoint: "http://127.0.0.1:9",
      credentials: { ak: "AK", sk: "sk" },
      env: { HUAWEICLOUD_SDK_AK: "AK", HUAWEICLOUD_SDK_SK: `${CANARY}\n` },
    });
    expect(client.endpoint).toBe("http://127.0.0.1:9");
  });
});

describe("what a lower layer says is redacted", () => {
  const token = `${CANARY}TokenPart`;
  const sk = `${CANARY}SkPart`;
  const ak = `${CANARY}AkPart`;
  const securityToken = `${CANARY}StsPart`;

  it.each([
    ["a token", { token }],
    ["AK, SK and security token", { ak, sk, securityToken }],
  ] as const)("a transport that quotes the request's headers (%s) gives a network error without them", async (_, credentials) => {
    // What Headers and undici do with a value they refuse: quote it, and every header beside it
    // (and, for a layer that had them, every credential the client holds).
    const fetch = async (request: Request): Promise<Response> => {
      const headers = [...request.headers].map(([n, v]) => `${n}=${v}`).join("; ");
      const cause = new TypeError(`invalid header: ${headers}; held: ${Object.values(credentials).join(", ")}`);
      throw new TypeError("fetch failed", { cause });
    };
    const das = new DataAnnotationsApi(createClient({ endpoint: "http://127.0.0.1:9", credentials, projectId: PROJECT, env: {}, fetch }));
    const error = await caught(() => das.sync_obs_status({ data_annotation_id: "282" }));
    expect(error).toBeInstanceOf(ModelArtsNetworkError);
    expect(renderings(error)).toContain("[REDACTED]");
    expectNoCanary(error);
  });

  it("after a provider's refresh, an error that quotes the previous token as well as the current one shows neither", async () => {
    const tokens = [`${CANARY}First`, `${CANARY}Second`];
    let calls = 0;
    // Each answer is already within the 60 s before its expiry: every request refreshes.
    const provide = async () => ({ token: tokens[calls++]!, expiresAt: Date.now() });
    const sent: string[] = [];
    const fetch = async (request: Request): Promise<Response> => {
      sent.push(request.headers.get("x-auth-token") ?? "");
      throw new TypeError("fetch failed", { cause: new Error(`tokens seen so far: ${sent.join(", ")}`) });
    };
    const das = new DataAnnotationsApi(createClient({ endpoint: "http://127.0.0.1:9", credentials: provide, projectId: PROJECT, env: {}, fetch, retry: false }));
    expectNoCanary(await caught(() => das.sync_obs_status({ data_annotation_id: "282" })));
    const error = await caught(() => das.sync_obs_status({ data_annotation_id: "282" }));
    expect(sent).toEqual(tokens);
    expect(error).toBeInstanceOf(ModelArtsNetworkError);
    expect(renderings(error)).toContain("tokens seen so far: [REDACTED], [REDACTED]");
    expectNoCanary(error);
  });

  it("a request the runtime refuses to build is an argument error (not retried as a network fault), without secrets", async () => {
    let sent = 0;
    const das = new DataAnnotationsApi(
      createClient({
        endpoint: await serve((_req, res) => {
          sent += 1;
          res.end("{}");
        }),
        credentials: { token },
        projectId: PROJECT,
        env: {},
        userAgent: `agent\n${token}`,
      }),
    );
    const error = await caught(() => das.sync_obs_status({ data_annotation_id: "282" }));
    expect(error).toBeInstanceOf(ModelArtsArgumentError);
    expect(error).not.toBeInstanceOf(ModelArtsNetworkError);
    expect((error as ModelArtsArgumentError).argument).toBe("request");
    expect(sent).toBe(0);
    expectNoCanary(error);
    // The waiter gives up at once instead of polling to its deadline.
    const started = performance.now();
    const waited = await caught(() => das.wait_for_sync_obs({ data_annotation_id: "282", timeoutMs: 60_000 }));
    expect(waited).toBeInstanceOf(ModelArtsError);
    expect(waited).not.toBeInstanceOf(ModelArtsNetworkError);
    expect(performance.now() - started).toBeLessThan(5_000);
    expectNoCanary(waited);
  });

  it("a real refused connection, with a canary token, shows no canary", async () => {
    const das = new DataAnnotationsApi(createClient({ endpoint: "http://127.0.0.1:9", credentials: { token }, projectId: PROJECT, env: {} }));
    const error = await caught(() => das.sync_obs_status({ data_annotation_id: "282" }));
    expect(error).toBeInstanceOf(ModelArtsNetworkError);
    expectNoCanary(error);
  });
});
