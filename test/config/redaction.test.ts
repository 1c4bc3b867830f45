import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Secret } from "../../src/auth/secret.js";
import { loadConfigFile, resolveContext, type ConfigOptions } from "../../src/config/index.js";
import { SECRETS, STANDARD_CONFIG, configError, expectNoSecrets, sandbox } from "./helpers.js";

function renderings(value: unknown): string[] {
  return [JSON.stringify(value), inspect(value, { depth: Infinity, showHidden: true }), String(JSON.stringify(value, null, 2))];
}

describe("no secret is shown", () => {
  it.each(["default", "token-user", "temp"])("in a ResolvedConfig from context %s", (context) => {
    const box = sandbox();
    box.writeHomeConfig(STANDARD_CONFIG);
    const config = resolveContext({ context }, {}, box.hooks);
    expectNoSecrets(...renderings(config));
    expect(JSON.stringify(config)).toContain("[REDACTED]");
  });

  it("in a ResolvedConfig from the environment", () => {
    const box = sandbox();
    const env = { HUAWEICLOUD_SDK_AK: "AK", HUAWEICLOUD_SDK_SK: SECRETS.skEnv, HUAWEICLOUD_SDK_SECURITY_TOKEN: SECRETS.stsEnv };
    expectNoSecrets(...renderings(resolveContext({ region: "cn-north-4" }, env, box.hooks)));
  });

  it("in a ResolvedConfig from options given as plain strings", () => {
    const box = sandbox();
    const aksk = resolveContext({ region: "cn-north-4", credentials: { ak: "AK", sk: SECRETS.skOption, securityToken: SECRETS.stsEnv } }, {}, box.hooks);
    const token = resolveContext({ region: "cn-north-4", credentials: { token: SECRETS.tokenOption } }, {}, box.hooks);
    expectNoSecrets(...renderings(aksk), ...renderings(token));
  });

  it("in a loaded config file", () => {
    const box = sandbox();
    const file = loadConfigFile(box.write("c.yaml", STANDARD_CONFIG), box.hooks);
    expectNoSecrets(...renderings(file));
  });

  it("in warnings", () => {
    const box = sandbox();
    const yaml = `${STANDARD_CONFIG}  - name: typo\n    credentials:\n      token: t\n      ${SECRETS.skFile}: x\n      sk-${SECRETS.tokenFile}: y\n`;
    box.writeHomeConfig(yaml, 0o644);
    resolveContext({}, { HUAWEICLOUD_SDK_SK: SECRETS.skEnv, HUAWEICLOUD_SDK_SECURITY_TOKEN: SECRETS.stsEnv }, box.hooks);
    expect(box.warnings.map((w) => w.code).sort()).toEqual(["MODELARTS_CONFIG_ENV", "MODELARTS_CONFIG_PERMISSIONS", "MODELARTS_CONFIG_UNKNOWN_KEY"]);
    expectNoSecrets(...box.warnings.map((w) => w.message));
  });

  // configError() checks message, stack, inspect and JSON of each error; this table
  // puts a secret right next to every kind of mistake.
  const badFiles: [string, string][] = [
    ["a number for sk beside a secret token", `contexts:\n  - name: a\n    credentials:\n      token: ${SECRETS.tokenFile}\n      sk: 1\n`],
    ["a secret as sk without ak", `contexts:\n  - name: a\n    credentials:\n      sk: ${SECRETS.skFile}\n`],
    ["token and ak/sk together", `contexts:\n  - name: a\n    credentials:\n      ak: A\n      sk: ${SECRETS.skFile}\n      token: ${SECRETS.tokenFile}\n`],
    ["a secret as the credentials block", `contexts:\n  - name: a\n    credentials: ${SECRETS.skFile}\n`],
    ["a security token in a list", `contexts:\n  - name: a\n    credentials:\n      ak: A\n      sk: B\n      security_token: [${SECRETS.stsTemp}]\n`],
    ["a bad escape in a quoted secret", `contexts:\n  - name: a\n    credentials:\n      sk: "\\q${SECRETS.skFile}"\n`],
    ["a block scalar header with a secret", `contexts:\n  - name: a\n    credentials:\n      sk: >${SECRETS.skFile}\n        x\n`],
    ["a secret as an unterminated quote", `contexts:\n  - name: a\n    credentials:\n      sk: '${SECRETS.skFile}\n`],
    ["a secret on a misindented line", `contexts:\n  - name: a\n    credentials:\n      ak: A\n     sk: ${SECRETS.skFile}\n`],
    ["a secret pasted as a key with a colon", `contexts:\n  - name: a\n    credentials:\n      sk: ${SECRETS.skFile}: more\n`],
    ["a secret in a duplicate key", `contexts:\n  - name: a\n    credentials:\n      sk: ${SECRETS.skFile}\n      sk: ${SECRETS.skTemp}\n`],
    ["a secret in an endpoint's user info", `contexts:\n  - name: a\n    endpoint: https://ak:${SECRETS.skFile}@example.com\n`],
    ["a secret in a region", `contexts:\n  - name: a\n    credentials:\n      ak: A\n      sk: B\n    region: { sk: ${SECRETS.skFile} }\n`],
  ];

  it.each(badFiles)("in the error for %s", (_case, yaml) => {
    const box = sandbox();
    const path = box.write("bad.yaml", yaml);
    configError(() => loadConfigFile(path, box.hooks));
  });

  const badOptions: [string, unknown][] = [
    ["sk as a number beside a token", { credentials: { token: SECRETS.tokenOption, sk: 5 } }],
    ["token with ak/sk", { credentials: { ak: "A", sk: SECRETS.skOption, token: SECRETS.tokenOption } }],
    ["sk without ak", { credentials: { sk: new Secret(SECRETS.skOption) } }],
    ["a security token with a token", { credentials: { token: SECRETS.tokenOption, securityToken: SECRETS.stsEnv } }],
    ["an endpoint with user info", { endpoint: `https://u:${SECRETS.skOption}@example.com` }],
  ];

  it.each(badOptions)("in the error for options with %s", (_case, options) => {
    configError(() => resolveContext(options as ConfigOptions, {}, sandbox().hooks));
  });

  it("in the error for a missing file while secrets come from the environment", () => {
    const box = sandbox();
    const env = { HUAWEICLOUD_SDK_AK: "AK", HUAWEICLOUD_SDK_SK: SECRETS.skEnv, MODELARTS_CONTEXT: "x" };
    configError(() => resolveContext({ credentials: { token: SECRETS.tokenOption } }, env, box.hooks));
  });

  describe("in the error for an endpoint", () => {
    // A signed query is a secret that still makes a valid URL; user info before a
    // host that does not parse makes no URL at all, so nothing of it may be shown.
    const endpoints: [string, string, string][] = [
      ["a secret in the query", `https://modelarts.example.com/v1/?sig=${SECRETS.skOption}`, 'must be "https://modelarts.example.com/v1/" without user info, query or fragment (not shown, as they may hold a secret)'],
      ["a secret in the fragment", `https://modelarts.example.com/#${SECRETS.skOption}`, 'must be "https://modelarts.example.com/" without user info, query or fragment (not shown, as they may hold a secret)'],
      ["a secret in the user info of a URL that does not parse", `https://u:${SECRETS.skOption}@ho st/`, "the value (not shown, as it may hold a secret) is not one"],
      ["a secret in the user info of a URL with a bad port", `https://u:${SECRETS.skOption}@host:99999/`, "the value (not shown, as it may hold a secret) is not one"],
      ["a secret read as the scheme", `${SECRETS.skOption}:x@modelarts.example.com`, "the value (not shown, as it may hold a secret) is not one"],
      ["a secret in the user info of an ftp URL", `ftp://u:${SECRETS.skOption}@example.com/`, "the value (not shown, as it may hold a secret) is not one"],
    ];
    const fileWith = (endpoint: string) => `current-context: a\ncontexts:\n  - name: a\n    endpoint: "${endpoint}"\n`;

    it.each(endpoints)("from options, with %s", (_case, endpoint, problem) => {
      const error = configError(() => resolveContext({ endpoint, credentials: { token: "t" } }, {}, sandbox().hooks));
      expect(error.message.startsWith("invalid option endpoint: ")).toBe(true);
      expect(error.message).toContain(problem);
      expect(error.field).toBe("endpoint");
    });

    it.each(endpoints)("from MODELARTS_ENDPOINT, with %s", (_case, endpoint, problem) => {
      const error = configError(() => resolveContext({ credentials: { token: "t" } }, { MODELARTS_ENDPOINT: endpoint }, sandbox().hooks));
      expect(error.message.startsWith("invalid environment variable MODELARTS_ENDPOINT: ")).toBe(true);
      expect(error.message).toContain(problem);
      expect(error.field).toBe("MODELARTS_ENDPOINT");
    });

    it.each(endpoints)("from the file, with %s", (_case, endpoint, problem) => {
      const box = sandbox();
      const path = box.writeHomeConfig(fileWith(endpoint));
      const error = configError(() => resolveContext({}, {}, box.hooks));
      expect(error.message.startsWith(`${path}:4: context "a": endpoint `)).toBe(true);
      expect(error.message).toContain(problem);
      expect([error.file, error.field]).toEqual([path, "endpoint"]);
    });
  });
});

describe("a token pasted as the region or project id is not shown", () => {
  // Two shapes of secret: an IAM token (refused at its first character as a region,
  // further in as a project id) and a key refused only near its end, where an
  // error quoting "the part before the bad character" would still leak most of it.
  const pasted = [
    ["an IAM token", `MIIZkQYJKoZIhvcNAQcCoIIZgjCCGX4CAQExDTALBglghkgBZQMEAgEwghejBgkqhkiG9w0BBwGgghemBIIXonsidG9rZW4iOnsi+/Ab==`],
    ["a lowercase key", "sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a_9"],
  ] as const;
  const fileWith = (key: "region" | "project_id", value: string) => {
    const settings = { region: "cn-north-4", project_id: "my-project", [key]: value };
    return `current-context: c\ncontexts:\n  - name: c\n    region: "${settings.region}"\n    project_id: "${settings.project_id}"\n    credentials: { token: ${SECRETS.tokenFile} }\n`;
  };
  const complete = { region: "cn-north-4", credentials: { token: SECRETS.tokenOption } };
  type Source = (value: string) => { options: ConfigOptions; env: NodeJS.ProcessEnv; yaml?: string };
  const sources: [string, Source][] = [
    ["region from options", (value) => ({ options: { ...complete, region: value }, env: {} })],
    ["projectId from options", (value) => ({ options: { ...complete, projectId: value }, env: {} })],
    ["MODELARTS_REGION", (value) => ({ options: { credentials: complete.credentials }, env: { MODELARTS_REGION: value } })],
    ["HUAWEICLOUD_SDK_PROJECT_ID", (value) => ({ options: complete, env: { HUAWEICLOUD_SDK_PROJECT_ID: value } })],
    ["region in the file", (value) => ({ options: {}, env: {}, yaml: fileWith("region", value) })],
    ["project_id in the file", (value) => ({ options: {}, env: {}, yaml: fileWith("project_id", value) })],
  ];

  it.each(sources.flatMap(([where, source]) => pasted.map(([what, value]) => [where, what, value, source] as const)))(
    "%s, with %s",
    (_where, _what, value, source) => {
      const { options, env, yaml } = source(value);
      const box = sandbox();
      if (yaml !== undefined) box.writeHomeConfig(yaml);
      const error = configError(() => resolveContext(options, env, box.hooks));
      expect(error.message).toMatch(/the value \(\d+ characters, not shown\)/);
      // No run of 8 characters of the value, wherever it starts.
      for (const output of [error.message, error.stack ?? "", inspect(error, { depth: Infinity }), JSON.stringify(error)]) {
        for (let at = 0; at + 8 <= value.length; at++) expect(output).not.toContain(value.slice(at, at + 8));
      }
    },
  );
});
