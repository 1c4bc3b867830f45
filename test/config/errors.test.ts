import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Secret } from "../../src/auth/secret.js";
import { loadConfigFile, resolveContext, type ConfigOptions } from "../../src/config/index.js";
import { SECRETS, STANDARD_CONFIG, configError, sandbox } from "./helpers.js";

const ALL_CONTEXTS = ["default", "token-user", "temp"];

/** Writes `yaml` as the home config and returns the error `resolveContext` throws. */
function fileError(yaml: string, options: ConfigOptions = {}, env: NodeJS.ProcessEnv = {}) {
  const box = sandbox();
  const path = box.writeHomeConfig(yaml);
  return { path, error: configError(() => resolveContext(options, env, box.hooks)) };
}

describe("missing or unreadable file", () => {
  it("names the default path and what options and environment lack", () => {
    const box = sandbox();
    const path = join(box.home, ".modelarts", "config.yaml");
    const error = configError(() => resolveContext({ region: "cn-north-4" }, {}, box.hooks));
    expect(error.message).toContain(`no config file at ${path}`);
    expect(error.message).toContain("no credentials (option credentials, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK)");
    expect(error.message).not.toContain("no endpoint");
    expect([error.file, error.field]).toEqual([path, "credentials"]);
  });

  it("names both gaps when nothing at all is given", () => {
    const box = sandbox();
    const error = configError(() => resolveContext({}, {}, box.hooks));
    expect(error.message).toContain("no endpoint (option endpoint or region, or MODELARTS_ENDPOINT or MODELARTS_REGION) and no credentials");
  });

  it("names the option that pointed at a missing file", () => {
    const box = sandbox();
    const path = join(box.root, "missing.yaml");
    const error = configError(() => resolveContext({ configFile: path }, {}, box.hooks));
    expect(error.message).toBe(`config file ${path} (named by option configFile) does not exist`);
    expect(error.field).toBe("configFile");
  });

  it("names the context that required a missing file", () => {
    const box = sandbox();
    const path = join(box.home, ".modelarts", "config.yaml");
    const options = { endpoint: "http://127.0.0.1:1", credentials: { token: SECRETS.tokenOption } };
    const error = configError(() => resolveContext(options, { MODELARTS_CONTEXT: "prod" }, box.hooks));
    expect(error.message).toBe(`config file ${path} does not exist, but context "prod" was named by MODELARTS_CONTEXT`);
    expect([error.file, error.context]).toEqual([path, "prod"]);
  });

  it("loadConfigFile reports a missing file", () => {
    const box = sandbox();
    const path = join(box.root, "absent.yaml");
    expect(configError(() => loadConfigFile(path, box.hooks)).message).toBe(`config file ${path} does not exist`);
  });

  it("reports a directory in place of the file", () => {
    const box = sandbox();
    const path = join(box.home, ".modelarts", "config.yaml");
    mkdirSync(path, { recursive: true });
    const error = configError(() => resolveContext({}, {}, box.hooks));
    expect(error.message).toBe(`cannot read config file ${path}: it is a directory`);
    expect(error.file).toBe(path);
  });

  it("reports a file it may not read", () => {
    const box = sandbox();
    const readFile = () => {
      throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    };
    const error = configError(() => loadConfigFile("/etc/modelarts.yaml", { ...box.hooks, readFile }));
    expect(error.message).toBe("cannot read config file /etc/modelarts.yaml: permission denied");
  });
});

describe("invalid YAML", () => {
  it("gives the line and column", () => {
    const { path, error } = fileError("current-context: default\ncontexts:\n  - name: default\n    region: cn-north-4\n   endpoint: x\n");
    expect(error.message.startsWith(`${path}:5:1: invalid YAML (`)).toBe(true);
    expect(error.file).toBe(path);
  });

  it("explains the common mistakes in its own words", () => {
    const { path, error } = fileError("contexts:\n\t- name: a\n");
    expect(error.message).toBe(`${path}:2:1: invalid YAML (TAB_AS_INDENT): tabs cannot indent YAML; use spaces`);
  });

  it("reports duplicate keys rather than letting the last one win", () => {
    const { error } = fileError(`contexts:\n  - name: a\n    credentials:\n      sk: ${SECRETS.skFile}\n      sk: other\n`);
    expect(error.message).toContain(":5:7: invalid YAML (DUPLICATE_KEY)");
  });

  it("does not quote the offending text, which may be a secret", () => {
    // Both are errors whose parser message would quote the line.
    const badEscape = fileError(`contexts:\n  - name: a\n    credentials:\n      ak: A\n      sk: "${SECRETS.skFile}\\q"\n`);
    expect(badEscape.error.message).toContain("invalid YAML (BAD_DQ_ESCAPE)");
    const badHeader = fileError(`contexts:\n  - name: a\n    credentials:\n      token: |${SECRETS.tokenFile}\n        x\n`);
    expect(badHeader.error.message).toContain("invalid YAML");
  });

  it("refuses several documents in one file", () => {
    const { error } = fileError(`${STANDARD_CONFIG}---\ncontexts: []\n`);
    expect(error.message).toContain("invalid YAML (MULTIPLE_DOCS): the file holds several YAML documents");
  });
});

describe("wrong top-level shape", () => {
  it.each([
    ["a list", "- name: default\n"],
    ["a string", "just text\n"],
    ["nothing", "# all commented out\n"],
  ])("refuses %s at the top", (found, yaml) => {
    const { path, error } = fileError(yaml);
    expect(error.message).toBe(`${path} must be a mapping with "current-context:" and "contexts:" at the top level, found ${found}`);
  });

  it("requires contexts", () => {
    const { path, error } = fileError("current-context: default\n");
    expect(error.message).toBe(`${path}:1: "contexts:" is missing; it should list the contexts, each with a name`);
    expect(error.field).toBe("contexts");
  });

  it("requires contexts to be a list", () => {
    const { path, error } = fileError("current-context: default\ncontexts:\n  default:\n    region: cn-north-4\n");
    expect(error.message).toBe(`${path}:3: contexts must be a list of contexts, found a mapping`);
  });

  it("requires each context to be a mapping with a name", () => {
    const notMapping = fileError("contexts:\n  - default\n");
    expect(notMapping.error.message).toBe(`${notMapping.path}:2: contexts[0] must be a mapping with a name, found a string`);
    const noName = fileError("contexts:\n  - name: a\n  - region: cn-north-4\n");
    expect(noName.error.message).toBe(`${noName.path}:3: contexts[1]: name is missing: every context needs a name`);
    expect([noName.error.field, noName.error.availableContexts]).toEqual(["name", ["a"]]);
  });

  it("refuses two contexts with the same name", () => {
    const { path, error } = fileError("contexts:\n  - name: a\n  - name: a\n");
    expect(error.message).toBe(`${path}:3: context "a": name is used by an earlier context too; context names must be unique`);
  });
});

describe("choosing a context", () => {
  it("names the unknown context, the file and the contexts defined", () => {
    const { path, error } = fileError(STANDARD_CONFIG, { context: "prod" });
    expect(error.message).toBe(`unknown context "prod" in ${path}; contexts defined: default, token-user, temp (the name came from option context)`);
    expect(error).toMatchObject({ file: path, context: "prod", field: "context", availableContexts: ALL_CONTEXTS });
  });

  it("says when MODELARTS_CONTEXT named it", () => {
    const { error } = fileError(STANDARD_CONFIG, {}, { MODELARTS_CONTEXT: "prod" });
    expect(error.message).toContain("(the name came from MODELARTS_CONTEXT)");
    expect(error.field).toBe("MODELARTS_CONTEXT");
  });

  it("says when current-context names a context that does not exist", () => {
    const { path, error } = fileError(STANDARD_CONFIG.replace("current-context: default", "current-context: gone"));
    expect(error.message).toBe(`unknown context "gone" in ${path}; contexts defined: default, token-user, temp (the name came from current-context)`);
    expect(error.field).toBe("current-context");
  });

  it("says when no context is defined at all", () => {
    const { error } = fileError("current-context: a\ncontexts: []\n");
    expect(error.message).toContain("contexts defined: none");
  });

  it("needs current-context when no context is named", () => {
    const { path, error } = fileError(STANDARD_CONFIG.replace("current-context: default\n", ""));
    expect(error.message).toBe(
      `no context chosen: ${path} has no current-context, and neither option context nor MODELARTS_CONTEXT names one; contexts defined: default, token-user, temp`,
    );
    expect(error).toMatchObject({ file: path, field: "current-context", availableContexts: ALL_CONTEXTS });
  });
});

describe("incomplete contexts", () => {
  it("needs a region or endpoint from somewhere", () => {
    const { path, error } = fileError(`current-context: bare\ncontexts:\n  - name: bare\n    credentials: { token: ${SECRETS.tokenFile} }\n`);
    expect(error.message).toBe(
      `context "bare" in ${path} has neither region nor endpoint, and none was given as options or environment (option endpoint or region, or MODELARTS_ENDPOINT or MODELARTS_REGION)`,
    );
    expect(error).toMatchObject({ file: path, context: "bare", field: "region", availableContexts: ["bare"] });
  });

  it("needs credentials from somewhere", () => {
    const { path, error } = fileError("current-context: bare\ncontexts:\n  - name: bare\n    region: cn-north-4\n  - name: other\n");
    expect(error.message).toBe(
      `context "bare" in ${path} has no credentials, and none were given as options or environment (option credentials, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK)`,
    );
    expect(error).toMatchObject({ file: path, context: "bare", field: "credentials", availableContexts: ["bare", "other"] });
  });

  it("takes an empty credentials block as no credentials", () => {
    const { error } = fileError("current-context: bare\ncontexts:\n  - name: bare\n    region: cn-north-4\n    credentials:\n");
    expect(error.field).toBe("credentials");
  });
});

describe("credentials blocks in the file", () => {
  const context = (credentials: string) => `current-context: c\ncontexts:\n  - name: c\n    region: cn-north-4\n    credentials:\n${credentials}`;

  it.each([
    ["ak without sk", "      ak: AK\n", "credentials.sk", "credentials.sk is missing: credentials.ak is set, and AK and SK go together"],
    ["sk without ak", `      sk: ${SECRETS.skFile}\n`, "credentials.ak", "credentials.ak is missing: credentials.sk is set, and AK and SK go together"],
    ["an empty mapping", "      {}\n", "credentials.ak", "credentials.ak is missing: credentials needs ak and sk, or token"],
    [
      "both token and ak",
      `      ak: AK\n      sk: ${SECRETS.skFile}\n      token: ${SECRETS.tokenFile}\n`,
      "credentials.token",
      "credentials.token cannot be combined with credentials.ak and credentials.sk; keep either ak/sk or token",
    ],
    [
      "a security token with a token",
      `      token: ${SECRETS.tokenFile}\n      security_token: ${SECRETS.stsTemp}\n`,
      "credentials.security_token",
      "credentials.security_token goes with ak and sk (temporary credentials), not with token",
    ],
  ])("refuses %s", (_case, credentials, field, problem) => {
    const { path, error } = fileError(context(credentials));
    expect(error.message).toBe(`${path}:6: context "c": ${problem}`);
    expect(error).toMatchObject({ file: path, context: "c", field, availableContexts: ["c"] });
  });

  it("refuses credentials that are not a mapping", () => {
    const { path, error } = fileError("contexts:\n  - name: c\n    credentials: secret-in-the-wrong-place\n");
    expect(error.message).toBe(`${path}:3: context "c": credentials must be a mapping with ak and sk, or token, found a string`);
  });
});

describe("wrong types and values in the file", () => {
  const withContext = (lines: string) => `contexts:\n  - name: c\n${lines}`;

  it.each([
    ["sk as a number", `    credentials:\n      ak: AK\n      sk: 123456\n`, 5, "credentials.sk", "must be a string, found a number (put the value in quotes)"],
    ["token as a list", `    credentials:\n      token: [a, b]\n`, 4, "credentials.token", "must be a string, found a list"],
    ["ak as a boolean", `    credentials:\n      ak: true\n      sk: x\n`, 4, "credentials.ak", "must be a string, found a boolean (put the value in quotes)"],
    ["an empty sk", `    credentials:\n      ak: AK\n      sk: ""\n`, 5, "credentials.sk", "must not be empty"],
    ["project_id as a number", "    project_id: 0123\n", 3, "project_id", "must be a string, found a number (put the value in quotes)"],
    ["project_id with a slash", "    project_id: ../admin\n", 3, "project_id", 'must match ^[A-Za-z0-9-]{1,64}$ (a project id such as "cc0f0990a56f4b8c9d41c85e79cc511c"); the value (8 characters, not shown) has a character that is not allowed at position 1'],
    ["region as a mapping", "    region: { id: cn-north-4 }\n", 3, "region", "must be a string, found a mapping"],
    ["a region that is no region id", "    region: CN North 4\n", 3, "region", 'must be a region id such as "cn-north-4"; the value (10 characters, not shown) has a character that is not allowed at position 1'],
    ["a region with a dash at the end", "    region: cn-north-\n", 3, "region", "must be a region id such as \"cn-north-4\"; the value (9 characters, not shown) starts or ends with a dash, or has two dashes in a row"],
    ["a region smuggling a host", "    region: cn-north-4.evil.example\n", 3, "region", "must be a region id"],
    ["an endpoint that is no URL", "    endpoint: modelarts.example.com\n", 3, "endpoint", "must be an http(s) URL"],
    ["an ftp endpoint", "    endpoint: ftp://example.com\n", 3, "endpoint", "must be an http(s) URL such as \"https://modelarts.cn-north-4.myhuaweicloud.com\"; the value (not shown, as it may hold a secret) is not one"],
    ["an endpoint with a query", "    endpoint: https://example.com/?a=1\n", 3, "endpoint", 'must be "https://example.com/" without user info, query or fragment'],
    ["a name as a number", "    region: cn-north-4\n  - name: 42\n", 4, "name", "must be a string, found a number"],
  ])("refuses %s", (_case, lines, line, field, problem) => {
    const { path, error } = fileError(withContext(lines));
    expect(error.message).toContain(`${path}:${line}: `);
    expect(error.message).toContain(`${field} ${problem}`);
    expect(error.field).toBe(field);
    expect(error.file).toBe(path);
  });

  it("refuses an endpoint with user info without quoting it", () => {
    const { error } = fileError(withContext(`    endpoint: https://user:${SECRETS.skFile}@example.com\n`));
    expect(error.message).toContain('endpoint must be "https://example.com/" without user info, query or fragment (not shown');
  });

  it("refuses a current-context that is not a string", () => {
    const { path, error } = fileError("current-context: [a]\ncontexts: []\n");
    expect(error.message).toBe(`${path}:1: current-context must be a string, found a list`);
    expect(error.field).toBe("current-context");
  });

  it("checks every context, not only the chosen one", () => {
    const { error } = fileError(`${STANDARD_CONFIG}  - name: broken\n    region: 4\n`);
    expect(error).toMatchObject({ context: "broken", field: "region", availableContexts: [...ALL_CONTEXTS, "broken"] });
  });
});

describe("invalid options and environment", () => {
  const box = () => sandbox();

  it.each([
    ["options that are not an object", "not options", "options", "must be an object, found a string"],
    ["empty credentials", { credentials: {} }, "credentials.ak", "is missing: pass { ak, sk } or { token }"],
    ["credentials as a string", { credentials: "AK:SK" }, "credentials", "must be { ak, sk } or { token }, found a string"],
    ["ak as a number", { credentials: { ak: 42, sk: SECRETS.skOption } }, "credentials.ak", "must be a string, found a number"],
    ["sk as a number", { credentials: { ak: "AK", sk: 42 } }, "credentials.sk", "must be a string, found a number"],
    ["ak without sk", { credentials: { ak: "AK" } }, "credentials.sk", "is missing: pass { ak, sk } or { token }"],
    ["sk without ak", { credentials: { sk: SECRETS.skOption } }, "credentials.ak", "is missing: pass { ak, sk } or { token }"],
    [
      "token with ak",
      { credentials: { ak: "AK", sk: SECRETS.skOption, token: SECRETS.tokenOption } },
      "credentials.token",
      "cannot be combined with ak and sk: pass { ak, sk } or { token }",
    ],
    [
      "token with a security token",
      { credentials: { token: SECRETS.tokenOption, securityToken: SECRETS.stsEnv } },
      "credentials.securityToken",
      "goes with ak and sk, not with token",
    ],
    ["an empty Secret", { credentials: { token: new Secret("") } }, "credentials.token", "must not be empty"],
    ["region as a number", { region: 4 }, "region", "must be a string, found a number"],
    ["a bad region", { region: "cn_north_4" }, "region", "must be a region id"],
    ["an empty endpoint", { endpoint: "" }, "endpoint", "must not be empty"],
    ["an ftp endpoint", { endpoint: "ftp://x" }, "endpoint", "must be an http(s) URL"],
    ["context as a number", { context: 1 }, "context", "must be a string, found a number"],
    ["a bad projectId", { projectId: "a/b" }, "projectId", "must match ^[A-Za-z0-9-]{1,64}$"],
  ])("options: refuses %s", (_case, options, field, problem) => {
    const error = configError(() => resolveContext(options as ConfigOptions, {}, box().hooks));
    expect(error.message.startsWith(`invalid option ${field}: ${problem}`)).toBe(true);
    expect(error.field).toBe(field);
  });

  it.each([
    ["MODELARTS_ENDPOINT", "not a url", "must be an http(s) URL"],
    ["MODELARTS_REGION", "CN-NORTH-4", "must be a region id"],
    ["HUAWEICLOUD_SDK_PROJECT_ID", "a b", "must match ^[A-Za-z0-9-]{1,64}$"],
  ])("environment: refuses a bad %s", (name, value, problem) => {
    const error = configError(() => resolveContext({}, { [name]: value }, box().hooks));
    expect(error.message.startsWith(`invalid environment variable ${name}: ${problem}`)).toBe(true);
    expect(error.field).toBe(name);
  });
});

describe("project ids follow the spec's ProjectId parameter", () => {
  // The spec says ^[A-Za-z0-9-]{1,64}$: no "_", at most 64 characters.
  const complete = { region: "cn-north-4", credentials: { token: SECRETS.tokenOption } };
  const fileWith = (projectId: string) =>
    `current-context: c\ncontexts:\n  - name: c\n    region: cn-north-4\n    project_id: "${projectId}"\n    credentials: { token: ${SECRETS.tokenFile} }\n`;
  type Source = (id: string) => { options: ConfigOptions; env: NodeJS.ProcessEnv; yaml?: string };
  const sources: [string, Source, string, string][] = [
    ["options", (id) => ({ options: { ...complete, projectId: id }, env: {} }), "projectId", "invalid option projectId: "],
    ["the environment", (id) => ({ options: complete, env: { HUAWEICLOUD_SDK_PROJECT_ID: id } }), "HUAWEICLOUD_SDK_PROJECT_ID", "invalid environment variable HUAWEICLOUD_SDK_PROJECT_ID: "],
    ["the file", (id) => ({ options: {}, env: {}, yaml: fileWith(id) }), "project_id", 'context "c": project_id '],
  ];
  const resolveFrom = (source: Source, projectId: string) => {
    const { options, env, yaml } = source(projectId);
    const box = sandbox();
    if (yaml !== undefined) box.writeHomeConfig(yaml);
    return () => resolveContext(options, env, box.hooks);
  };

  const bad = [
    ["an underscore", "my_project", "the value (10 characters, not shown) has a character that is not allowed at position 3"],
    ["65 characters", "a".repeat(65), "the value (65 characters, not shown) is longer than 64 characters"],
  ] as const;
  it.each(sources.flatMap(([where, source, field, prefix]) => bad.map(([what, id, why]) => [where, what, id, why, source, field, prefix] as const)))(
    "from %s, refuses %s",
    (_where, _what, projectId, why, source, field, prefix) => {
      const error = configError(resolveFrom(source, projectId));
      expect(error.field).toBe(field);
      expect(error.message).toContain(`${prefix}must match ^[A-Za-z0-9-]{1,64}$`);
      expect(error.message).toContain(why);
    },
  );

  it.each(sources)("from %s, takes 64 letters, digits and dashes", (_where, source) => {
    const projectId = `${"0123456789abcdef".repeat(3)}ABCDEF-012345678`;
    expect(projectId).toHaveLength(64);
    expect(resolveFrom(source, projectId)().projectId).toBe(projectId);
  });
});
