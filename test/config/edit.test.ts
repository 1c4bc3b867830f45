import * as realFs from "node:fs";
import { lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { inspect } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Secret } from "../../src/auth/secret.js";
import {
  deleteContext,
  describeConfig,
  loadConfigFile,
  resolveContext,
  setContext,
  useContext,
  type ConfigEditOptions,
  type ContextFields,
  type ClientCredentials,
} from "../../src/config/index.js";
import { SECRETS, STANDARD_CONFIG, configError, expectNoSecrets, sandbox, type Sandbox } from "./helpers.js";

// Lets a test make a file system call fail, or play another program writing the
// config between our temp file and the rename.
const fsTrap = vi.hoisted(() => ({
  renameError: undefined as (Error & { code?: string }) | undefined,
  /** Runs after each fsync, i.e. once the temp file is written. */
  afterFsync: undefined as (() => void) | undefined,
}));

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    renameSync: (from: realFs.PathLike, to: realFs.PathLike) => {
      if (fsTrap.renameError !== undefined) throw fsTrap.renameError;
      fs.renameSync(from, to);
    },
    fsyncSync: (fd: number) => {
      fs.fsyncSync(fd);
      fsTrap.afterFsync?.();
    },
  };
});

afterEach(() => {
  fsTrap.renameError = undefined;
  fsTrap.afterFsync = undefined;
});

const AKSK = { ak: "AK_NEW", sk: SECRETS.skOption };
const TEMP = { ak: "AK_TEMP2", sk: SECRETS.skEnv, securityToken: SECRETS.stsEnv };
const TOKEN = { token: SECRETS.tokenOption };

function reveal(credentials: ClientCredentials | undefined): Record<string, string> | undefined {
  if (credentials === undefined) return undefined;
  if (credentials.kind === "provider") return { kind: "provider" };
  return credentials.kind === "token"
    ? { token: credentials.token.reveal() }
    : {
        ak: credentials.ak,
        sk: credentials.sk.reveal(),
        ...(credentials.securityToken ? { securityToken: credentials.securityToken.reveal() } : {}),
      };
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

/** Everything that could betray a change: the bytes, the mode, and the folder's entries (a leftover temp file). */
function snapshot(path: string) {
  const exists = realFs.existsSync(path);
  return {
    bytes: exists ? readFileSync(path).toString("base64") : undefined,
    mode: exists ? mode(path) : undefined,
    folder: realFs.existsSync(dirname(path)) ? readdirSync(dirname(path)).sort() : undefined,
  };
}

function renderings(value: unknown): string[] {
  return [JSON.stringify(value), inspect(value, { depth: Infinity, showHidden: true }), String(value)];
}

function fileIn(box: Sandbox, content = STANDARD_CONFIG, fileMode = 0o600): { path: string; options: ConfigEditOptions } {
  const path = box.write("cfg/config.yaml", content, fileMode);
  return { path, options: { configFile: path, hooks: box.hooks } };
}

describe("describeConfig", () => {
  it("shows the file as plain data with every secret replaced", () => {
    const box = sandbox();
    const { path, options } = fileIn(box);
    const view = describeConfig(options);
    expect(view).toEqual({
      path,
      exists: true,
      currentContext: "default",
      contexts: [
        { name: "default", region: "cn-north-4", projectId: "projfile", credentials: { kind: "aksk", ak: "AK_FILE", sk: "[REDACTED]" } },
        { name: "token-user", region: "cn-east-3", credentials: { kind: "token", token: "[REDACTED]" } },
        {
          name: "temp",
          endpoint: "http://127.0.0.1:8443",
          credentials: { kind: "aksk", ak: "AK_TEMP", sk: "[REDACTED]", securityToken: "[REDACTED]" },
        },
      ],
    });
    expectNoSecrets(...renderings(view), JSON.stringify(view, null, 2));
    // Plain data: nothing inside is a Secret or any other object with its own toJSON.
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });

  it("uses the marker a Secret shows, so a view and a loaded file print alike", () => {
    const box = sandbox();
    const { options } = fileIn(box);
    const credentials = describeConfig(options).contexts[1]?.credentials;
    expect(credentials?.kind === "token" && credentials.token).toBe(String(new Secret("x")));
  });

  it("reports a missing file as such, not as an error", () => {
    const box = sandbox();
    const path = join(box.root, "nothing-here.yaml");
    expect(describeConfig({ configFile: path, hooks: box.hooks })).toEqual({ path, exists: false, contexts: [] });
  });

  it("finds the file as resolveContext does: option, then MODELARTS_CONFIG, then ~/.modelarts/config.yaml", () => {
    const box = sandbox();
    const home = box.writeHomeConfig("current-context: h\ncontexts:\n  - name: h\n");
    const fromEnv = box.write("env.yaml", "contexts:\n  - name: e\n");
    const explicit = box.write("home/explicit.yaml", "contexts:\n  - name: x\n");
    expect(describeConfig({ env: {}, hooks: box.hooks }).path).toBe(home);
    expect(describeConfig({ env: { MODELARTS_CONFIG: "" }, hooks: box.hooks }).path).toBe(home);
    expect(describeConfig({ env: { MODELARTS_CONFIG: fromEnv }, hooks: box.hooks }).contexts).toEqual([{ name: "e" }]);
    const view = describeConfig({ configFile: "~/explicit.yaml", env: { MODELARTS_CONFIG: fromEnv }, hooks: box.hooks });
    expect([view.path, view.contexts]).toEqual([explicit, [{ name: "x" }]]);
  });

  it("throws the reader's error for a file that does not load", () => {
    const box = sandbox();
    const { path, options } = fileIn(box, `contexts:\n  - name: a\n    credentials:\n      sk: ${SECRETS.skFile}\n`);
    const error = configError(() => describeConfig(options));
    expect(error.message).toContain(`${path}:4: context "a": credentials.ak is missing`);
  });

  it("refuses a bad configFile option", () => {
    expect(configError(() => describeConfig({ configFile: "" })).message).toBe("invalid option configFile: must not be empty");
  });
});

describe("setContext on a new file", () => {
  it("creates the file (0600) and its folders (0700), and makes the context current", () => {
    const box = sandbox();
    const path = join(box.root, "new", "deeper", "config.yaml");
    const result = setContext("dev", { region: "cn-north-4", projectId: "projdev", credentials: AKSK }, { configFile: path, hooks: box.hooks });
    expect(result).toEqual({ path, created: true, fileCreated: true, currentContext: "dev", becameCurrent: true });
    expect(readFileSync(path, "utf8")).toBe(
      `current-context: dev\ncontexts:\n  - name: dev\n    region: cn-north-4\n    project_id: projdev\n    credentials:\n      ak: AK_NEW\n      sk: ${SECRETS.skOption}\n`,
    );
    expect(mode(path)).toBe(0o600);
    expect(mode(dirname(path))).toBe(0o700);
    expect(mode(join(box.root, "new"))).toBe(0o700);
    expect(box.warnings).toEqual([]);
    expect(readdirSync(dirname(path))).toEqual(["config.yaml"]);
  });

  it("writes ~/.modelarts/config.yaml by default, or where MODELARTS_CONFIG points", () => {
    const box = sandbox();
    setContext("a", { region: "cn-north-4" }, { env: {}, hooks: box.hooks });
    expect(loadConfigFile(join(box.home, ".modelarts", "config.yaml"), box.hooks).contexts).toEqual([{ name: "a", region: "cn-north-4" }]);
    const elsewhere = join(box.root, "env", "config.yaml");
    expect(setContext("b", {}, { env: { MODELARTS_CONFIG: elsewhere }, hooks: box.hooks }).path).toBe(elsewhere);
    expect(loadConfigFile(elsewhere, box.hooks).contexts).toEqual([{ name: "b" }]);
  });

  it("leaves the mode of a folder it did not create alone", () => {
    const box = sandbox();
    const folder = join(box.root, "shared");
    mkdirSync(folder, { mode: 0o755 });
    realFs.chmodSync(folder, 0o755);
    setContext("a", {}, { configFile: join(folder, "config.yaml"), hooks: box.hooks });
    expect(mode(folder)).toBe(0o755);
  });

  it("starts from an empty or comment-only file, keeping its comments", () => {
    const box = sandbox();
    const { path, options } = fileIn(box, "# contexts for the build machine\n");
    expect(setContext("ci", { region: "cn-north-4" }, options)).toMatchObject({ created: true, fileCreated: false, becameCurrent: true });
    expect(readFileSync(path, "utf8")).toBe("# contexts for the build machine\n\ncurrent-context: ci\ncontexts:\n  - name: ci\n    region: cn-north-4\n");
    const empty = fileIn(sandbox(), "");
    setContext("ci", {}, empty.options);
    expect(loadConfigFile(empty.path).contexts).toEqual([{ name: "ci" }]);
  });
});

describe("setContext on an existing file", () => {
  const COMMENTED = `# Work accounts; see the wiki for how to get keys.
current-context: prod # the usual one
contexts:
  # production, do not break
  - name: prod
    region: cn-north-4
    project_id: projprod # from the console
    credentials:
      ak: AK_PROD
      sk: ${SECRETS.skFile}
    notes: kept as is
  # the emulator
  - name: local
    endpoint: http://127.0.0.1:8443
    credentials:
      token: ${SECRETS.tokenFile}
`;

  it("changes only the lines of the fields given, keeping comments, order and unknown keys", () => {
    const box = sandbox();
    const { path, options } = fileIn(box, COMMENTED);
    expect(setContext("prod", { projectId: "projnew", endpoint: "https://example.test/ma/" }, options)).toEqual({
      path,
      created: false,
      fileCreated: false,
      currentContext: "prod",
      becameCurrent: false,
    });
    const expected = COMMENTED.replace("project_id: projprod # from the console", "project_id: projnew # from the console").replace(
      "    credentials:\n      ak: AK_PROD",
      "    endpoint: https://example.test/ma\n    credentials:\n      ak: AK_PROD",
    );
    expect(readFileSync(path, "utf8")).toBe(expected);
    // The unknown key was reported once, as the client would report it.
    expect(box.warnings.map((w) => w.code)).toEqual(["MODELARTS_CONFIG_UNKNOWN_KEY"]);
  });

  it("adds a new context at the end without touching the others", () => {
    const box = sandbox();
    const { path, options } = fileIn(box, COMMENTED);
    expect(setContext("staging", { region: "cn-east-3", credentials: TOKEN }, options)).toMatchObject({ created: true, becameCurrent: false, currentContext: "prod" });
    expect(readFileSync(path, "utf8")).toBe(`${COMMENTED}  - name: staging\n    region: cn-east-3\n    credentials:\n      token: ${SECRETS.tokenOption}\n`);
  });

  it("replaces credentials as a whole: a security token does not outlive its key pair", () => {
    const box = sandbox();
    const { path, options } = fileIn(box);
    setContext("temp", { credentials: AKSK }, options);
    const temp = loadConfigFile(path).contexts.find((c) => c.name === "temp");
    expect(reveal(temp?.credentials)).toEqual({ ak: "AK_NEW", sk: SECRETS.skOption });
    expect(readFileSync(path, "utf8")).not.toContain("security_token");
    expect(temp?.endpoint).toBe("http://127.0.0.1:8443");
  });

  it("switches AK/SK to a token and back", () => {
    const box = sandbox();
    const { path, options } = fileIn(box);
    setContext("default", { credentials: TOKEN }, options);
    expect(reveal(loadConfigFile(path).contexts[0]?.credentials)).toEqual({ token: SECRETS.tokenOption });
    setContext("default", { credentials: TEMP }, options);
    expect(reveal(loadConfigFile(path).contexts[0]?.credentials)).toEqual({ ak: "AK_TEMP2", sk: SECRETS.skEnv, securityToken: SECRETS.stsEnv });
    expect(readFileSync(path, "utf8")).not.toContain(SECRETS.tokenOption);
  });

  it("keeps the credentials when none are given", () => {
    const box = sandbox();
    const { path, options } = fileIn(box);
    setContext("token-user", { region: "cn-south-1" }, options);
    const context = loadConfigFile(path).contexts[1];
    expect([context?.region, reveal(context?.credentials)]).toEqual(["cn-south-1", { token: SECRETS.tokenFile }]);
  });

  it("makes the context current when the file has no current-context, and says so", () => {
    const box = sandbox();
    const { path, options } = fileIn(box, STANDARD_CONFIG.replace("current-context: default\n", ""));
    expect(setContext("temp", { region: "cn-north-4" }, options)).toMatchObject({ created: false, becameCurrent: true, currentContext: "temp" });
    expect(readFileSync(path, "utf8").startsWith("current-context: temp\ncontexts:\n")).toBe(true);
  });

  it("accepts Secret objects as well as strings", () => {
    const box = sandbox();
    const { path, options } = fileIn(box);
    setContext("default", { credentials: { ak: "A", sk: new Secret(SECRETS.skOption) } }, options);
    expect(reveal(loadConfigFile(path).contexts[0]?.credentials)).toEqual({ ak: "A", sk: SECRETS.skOption });
  });

  it("writes secrets that YAML would misread unquoted so that they read back exactly", () => {
    const box = sandbox();
    const { path, options } = fileIn(box);
    const tricky = ["yes", "0123", "*alias", "a: b # c", "'quoted'", '"double"', "[x]", "~", "-", "x".repeat(3000)];
    for (const [index, sk] of tricky.entries()) {
      setContext(`c${index}`, { credentials: { ak: "A", sk } }, options);
      expect(reveal(loadConfigFile(path).contexts.at(-1)?.credentials)).toEqual({ ak: "A", sk });
    }
    // A long secret stays on one line instead of being folded.
    expect(readFileSync(path, "utf8")).toContain(`sk: ${"x".repeat(3000)}\n`);
  });

  it("edits a flow-style file", () => {
    const box = sandbox();
    const { path, options } = fileIn(box, `{"current-context": a, contexts: [{name: a, region: 'cn-north-4'}]}\n`);
    setContext("a", { projectId: "proja" }, options);
    setContext("b", { credentials: AKSK }, options);
    expect(loadConfigFile(path).contexts.map((c) => [c.name, c.projectId, reveal(c.credentials)])).toEqual([
      ["a", "proja", undefined],
      ["b", undefined, { ak: "AK_NEW", sk: SECRETS.skOption }],
    ]);
  });

  it("updates a context whose name it would not create", () => {
    const box = sandbox();
    const { path, options } = fileIn(box, "contexts:\n  - name: my prod\n");
    setContext("my prod", { region: "cn-north-4" }, options);
    expect(loadConfigFile(path).contexts).toEqual([{ name: "my prod", region: "cn-north-4" }]);
  });

  it("edits a value next to anchors that nothing else shares", () => {
    const box = sandbox();
    const { path, options } = fileIn(box, "contexts:\n  - name: a\n    region: &r cn-north-4\n  - name: b\n    region: *r\n");
    setContext("a", { projectId: "proja" }, options);
    expect(loadConfigFile(path).contexts).toEqual([
      { name: "a", region: "cn-north-4", projectId: "proja" },
      { name: "b", region: "cn-north-4" },
    ]);
  });
});

describe("round trip through resolveContext", () => {
  const cases: [string, ContextFields, Record<string, string>][] = [
    ["AK/SK", { region: "cn-north-4", projectId: "proj1", credentials: AKSK }, { ak: "AK_NEW", sk: SECRETS.skOption }],
    ["temporary AK/SK", { endpoint: "http://127.0.0.1:9000/", credentials: TEMP }, { ak: "AK_TEMP2", sk: SECRETS.skEnv, securityToken: SECRETS.stsEnv }],
    ["token", { region: "ap-southeast-1", credentials: TOKEN }, { token: SECRETS.tokenOption }],
  ];

  it.each(cases)("gives back the values set (%s)", (_, fields, credentials) => {
    const box = sandbox();
    const { options } = fileIn(box);
    setContext("fresh", fields, options);
    const config = resolveContext({ configFile: options.configFile, context: "fresh" }, {}, box.hooks);
    expect(reveal(config.credentials)).toEqual(credentials);
    expect(config.endpoint).toBe(fields.endpoint?.replace(/\/$/, "") ?? `https://modelarts.${fields.region}.myhuaweicloud.com`);
    expect(config.projectId).toBe(fields.projectId);
    expect(box.warnings).toEqual([]);
  });

  it("useContext changes what resolveContext picks", () => {
    const box = sandbox();
    box.writeHomeConfig(STANDARD_CONFIG);
    expect(useContext("token-user", { env: {}, hooks: box.hooks })).toEqual({
      path: join(box.home, ".modelarts", "config.yaml"),
      currentContext: "token-user",
      previousContext: "default",
    });
    expect(resolveContext({}, {}, box.hooks).context).toBe("token-user");
  });
});

describe("useContext", () => {
  it("lists the contexts there are when the name is unknown, and changes nothing", () => {
    const box = sandbox();
    const { path, options } = fileIn(box);
    const before = snapshot(path);
    const error = configError(() => useContext("defualt", options));
    expect(error.message).toBe(`cannot use context "defualt": ${path} has no such context; contexts defined: default, token-user, temp`);
    expect([error.file, error.context, error.availableContexts]).toEqual([path, "defualt", ["default", "token-user", "temp"]]);
    expect(snapshot(path)).toEqual(before);
  });

  it("is an error when the file does not exist, and creates nothing", () => {
    const box = sandbox();
    const path = join(box.root, "absent", "config.yaml");
    const error = configError(() => useContext("a", { configFile: path, hooks: box.hooks }));
    expect(error.message).toBe(`cannot use context "a": config file ${path} does not exist`);
    expect(realFs.existsSync(dirname(path))).toBe(false);
  });

  it("adds current-context at the top when there was none", () => {
    const box = sandbox();
    const { path, options } = fileIn(box, "contexts:\n  - name: a\n  - name: b\n");
    expect(useContext("b", options)).toEqual({ path, currentContext: "b" });
    expect(readFileSync(path, "utf8")).toBe("current-context: b\ncontexts:\n  - name: a\n  - name: b\n");
  });
});

describe("deleteContext", () => {
  it("removes a context and keeps current-context", () => {
    const box = sandbox();
    const { path, options } = fileIn(box);
    expect(deleteContext("token-user", options)).toEqual({ path, currentContext: "default", wasCurrent: false });
    expect(loadConfigFile(path).contexts.map((c) => c.name)).toEqual(["default", "temp"]);
    expect(readFileSync(path, "utf8")).not.toContain(SECRETS.tokenFile);
  });

  it("removes current-context with the current context rather than leave it pointing at nothing", () => {
    const box = sandbox();
    const { path, options } = fileIn(box);
    expect(deleteContext("default", options)).toEqual({ path, wasCurrent: true });
    expect(loadConfigFile(path).currentContext).toBeUndefined();
    expect(setContext("temp", {}, options).becameCurrent).toBe(true);
  });

  it("names the contexts there are when the name is unknown", () => {
    const box = sandbox();
    const { path, options } = fileIn(box);
    const before = snapshot(path);
    expect(configError(() => deleteContext("nope", options)).availableContexts).toEqual(["default", "token-user", "temp"]);
    expect(snapshot(path)).toEqual(before);
  });
});

describe("bad input changes nothing", () => {
  const badInputs: [string, string, ContextFields | unknown, string][] = [
    ["a region with a dot", "default", { region: "cn-north-4.evil.example" }, "region"],
    ["a secret pasted as the region", "default", { region: SECRETS.skOption }, "region"],
    ["a project id with a slash", "default", { projectId: "abc/def" }, "projectId"],
    ["an endpoint with a query", "default", { endpoint: `https://h.example/?sig=${SECRETS.tokenOption}` }, "endpoint"],
    ["an endpoint with user info", "default", { endpoint: `https://u:${SECRETS.skOption}@h.example/` }, "endpoint"],
    ["an endpoint that is not a URL", "default", { endpoint: SECRETS.tokenOption }, "endpoint"],
    ["an empty region", "default", { region: "" }, "region"],
    ["ak without sk", "default", { credentials: { ak: "A" } }, "credentials.sk"],
    ["sk without ak", "default", { credentials: { sk: SECRETS.skOption } }, "credentials.ak"],
    ["empty credentials", "default", { credentials: {} }, "credentials.ak"],
    ["token with ak and sk", "default", { credentials: { ...AKSK, ...TOKEN } }, "credentials.token"],
    ["a security token with a token", "default", { credentials: { token: SECRETS.tokenOption, securityToken: SECRETS.stsEnv } }, "credentials.securityToken"],
    ["an empty sk", "default", { credentials: { ak: "A", sk: "" } }, "credentials.sk"],
    ["a number as sk", "default", { credentials: { ak: "A", sk: 42 } }, "credentials.sk"],
    ["an sk with a trailing newline", "default", { credentials: { ak: "A", sk: `${SECRETS.skOption}\n` } }, "credentials.sk"],
    ["a token with a leading space", "default", { credentials: { token: ` ${SECRETS.tokenOption}` } }, "credentials.token"],
    ["a security token with a control character", "default", { credentials: { ...TEMP, securityToken: `${SECRETS.stsEnv}\u0000` } }, "credentials.securityToken"],
    ["snake_case security_token", "default", { credentials: { ...AKSK, security_token: SECRETS.stsEnv } }, "credentials"],
    ["credentials as a string", "default", { credentials: SECRETS.tokenOption }, "credentials"],
    ["snake_case project_id", "default", { project_id: "abc" }, "fields"],
    ["fields as a list", "default", ["region"], "fields"],
    ["an empty name", "", {}, "name"],
    ["a new name with a space", "my prod", {}, "name"],
    ["a new name starting with a dash", "-x", {}, "name"],
    ["a secret pasted as a new name", `${SECRETS.tokenOption}+/=`, {}, "name"],
    ["a new name of 101 characters", "n".repeat(101), {}, "name"],
  ];

  it.each(badInputs)("%s: a ModelArtsConfigError naming the field, the file as it was", (_, name, fields, field) => {
    const box = sandbox();
    const { path, options } = fileIn(box, STANDARD_CONFIG, 0o644);
    const before = snapshot(path);
    const error = configError(() => setContext(name, fields as ContextFields, options));
    expect(error.field).toBe(field);
    expect(error.file).toBe(path);
    expect(snapshot(path)).toEqual(before);
  });

  it("creates neither file nor folder for bad input to a new file", () => {
    const box = sandbox();
    const path = join(box.root, "absent", "config.yaml");
    configError(() => setContext("a", { credentials: { ak: "A" } } as ContextFields, { configFile: path, hooks: box.hooks }));
    configError(() => setContext("bad name", {}, { configFile: path, hooks: box.hooks }));
    expect(realFs.existsSync(dirname(path))).toBe(false);
  });

  it("refuses to edit a file that does not load, with the reader's message", () => {
    const box = sandbox();
    const { path, options } = fileIn(box, `contexts:\n  - name: a\n    credentials:\n      ak: A\n      sk: ${SECRETS.skFile}\n      token: ${SECRETS.tokenFile}\n`);
    const before = snapshot(path);
    const error = configError(() => setContext("b", {}, options));
    expect(error.message).toContain(`${path}:4: context "a": credentials.token cannot be combined`);
    configError(() => useContext("a", options));
    expect(snapshot(path)).toEqual(before);
  });

  it("refuses to change a value that other contexts share through an alias", () => {
    const box = sandbox();
    const yaml = `contexts:\n  - name: a\n    credentials: &c\n      token: ${SECRETS.tokenFile}\n  - name: b\n    region: &r cn-north-4\n    credentials: *c\n  - name: c\n    region: *r\n`;
    const { path, options } = fileIn(box, yaml);
    const before = snapshot(path);
    expect(configError(() => setContext("a", { credentials: TOKEN }, options)).message).toContain("cannot edit");
    expect(configError(() => setContext("b", { region: "cn-east-3" }, options)).message).toContain("YAML anchors and aliases");
    configError(() => deleteContext("a", options));
    expect(snapshot(path)).toEqual(before);
  });

  it("refuses a context that is itself an alias", () => {
    const box = sandbox();
    const { path, options } = fileIn(box, "base: &b {name: a, region: cn-north-4}\ncontexts:\n  - *b\n");
    const before = snapshot(path);
    expect(configError(() => setContext("a", { projectId: "p" }, options)).message).toContain("is a YAML alias");
    expect(snapshot(path)).toEqual(before);
  });
});

describe("writing", () => {
  it.each([0o644, 0o666, 0o640])("tightens a file of mode %o to 0600", (fileMode) => {
    const box = sandbox();
    const { path, options } = fileIn(box, STANDARD_CONFIG, fileMode);
    useContext("temp", options);
    expect(mode(path)).toBe(0o600);
    // The permission warning is not given: the write has just fixed what it would complain about.
    expect(box.warnings).toEqual([]);
  });

  it("writes through a symbolic link to its target, which becomes 0600", () => {
    const box = sandbox();
    const target = box.write("dotfiles/modelarts.yaml", STANDARD_CONFIG, 0o644);
    const link = join(box.root, "cfg", "config.yaml");
    mkdirSync(dirname(link));
    symlinkSync(target, link);
    expect(setContext("temp", { region: "cn-east-3" }, { configFile: link, hooks: box.hooks }).path).toBe(link);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(loadConfigFile(target).contexts[2]?.region).toBe("cn-east-3");
    expect(mode(target)).toBe(0o600);
    expect(readdirSync(dirname(target))).toEqual(["modelarts.yaml"]);
  });

  it("refuses a symbolic link to nothing rather than guess", () => {
    const box = sandbox();
    const link = join(box.root, "config.yaml");
    symlinkSync(join(box.root, "moved", "real.yaml"), link);
    expect(configError(() => setContext("a", {}, { configFile: link, hooks: box.hooks })).message).toContain("is a symbolic link to a file that does not exist");
    expect(realFs.existsSync(join(box.root, "moved"))).toBe(false);
  });

  it("leaves the old file and no temp file behind when the rename fails", () => {
    const box = sandbox();
    const { path, options } = fileIn(box);
    const before = snapshot(path);
    fsTrap.renameError = Object.assign(new Error(`EACCES: permission denied, rename ${SECRETS.skOption}`), { code: "EACCES" });
    const error = configError(() => setContext("default", { credentials: AKSK }, options));
    expect(error.message).toBe(`cannot write config file ${path}: permission denied; the file was not changed`);
    expect(snapshot(path)).toEqual(before);
  });

  it("starts over when another program changes the file meanwhile, keeping that change", () => {
    const box = sandbox();
    const { path, options } = fileIn(box);
    let interfered = false;
    fsTrap.afterFsync = () => {
      if (interfered) return;
      interfered = true;
      realFs.writeFileSync(path, `${STANDARD_CONFIG}  - name: theirs\n    region: cn-east-3\n`);
    };
    expect(setContext("mine", { region: "cn-north-4" }, options).created).toBe(true);
    expect(loadConfigFile(path).contexts.map((c) => c.name)).toEqual(["default", "token-user", "temp", "theirs", "mine"]);
    expect(readdirSync(dirname(path))).toEqual(["config.yaml"]);
  });

  it("gives up on a file that keeps changing, leaving no temp file", () => {
    const box = sandbox();
    const { path, options } = fileIn(box);
    let writes = 0;
    fsTrap.afterFsync = () => {
      writes += 1;
      writeFileSync(path, `${STANDARD_CONFIG}# edit ${writes}\n`);
    };
    expect(configError(() => setContext("mine", {}, options)).message).toBe(
      `${path} kept changing while it was being edited (another program writing it?); this edit was not saved, try again`,
    );
    expect(readdirSync(dirname(path))).toEqual(["config.yaml"]);
    expect(loadConfigFile(path).contexts.map((c) => c.name)).not.toContain("mine");
  });

  it("creates the file when another program creates it too, keeping theirs", () => {
    const box = sandbox();
    const path = join(box.root, "race", "config.yaml");
    let interfered = false;
    fsTrap.afterFsync = () => {
      if (interfered) return;
      interfered = true;
      realFs.writeFileSync(path, "current-context: theirs\ncontexts:\n  - name: theirs\n");
    };
    expect(setContext("mine", {}, { configFile: path, hooks: box.hooks })).toMatchObject({ created: true, fileCreated: false, becameCurrent: false });
    expect(loadConfigFile(path).contexts.map((c) => c.name)).toEqual(["theirs", "mine"]);
    expect(mode(path)).toBe(0o600);
  });
});

describe("no secret in what comes back", () => {
  it("results, views and errors of every operation", () => {
    const box = sandbox();
    const { options } = fileIn(box);
    const outputs = [
      setContext("a", { region: "cn-north-4", credentials: TEMP }, options),
      setContext("b", { region: "cn-north-4", credentials: TOKEN }, options),
      setContext("a", { credentials: AKSK }, options),
      useContext("b", options),
      describeConfig(options),
      deleteContext("b", options),
      describeConfig(options),
    ];
    expectNoSecrets(...outputs.flatMap(renderings), ...box.warnings.map((w) => w.message));
  });
});
