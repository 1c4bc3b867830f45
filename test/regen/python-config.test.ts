// The Python overlay's config (regen/overlays/python/modelarts/config.py) against the TypeScript
// client's (src/config/): the same files, environments and arguments resolved by both, case by
// case, must give the same endpoint, project, context, credentials and sources, or an error
// about the same field, context and file. Secrets stay out of every message and repr.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveContext } from "../../src/config/index.js";
import { ModelArtsConfigError } from "../../src/errors.js";
// @ts-expect-error: a plain .mjs script without types
import { ensurePythonVenv } from "../../scripts/lib/python-venv.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const OVERLAY = path.join(ROOT, "regen", "overlays", "python");
const RESOLVE_CASES = path.join(ROOT, "test", "regen", "python", "resolve_cases.py");

const SK = "file-sk-SECRET-0001";
const ENV_SK = "env-sk-SECRET-0002";
const TOKEN = "file-token-SECRET-0003";
const SECRETS = [SK, ENV_SK, TOKEN];

const CONFIG = `current-context: dev
contexts:
  - name: dev
    region: cn-north-4
    project_id: devproject
    credentials:
      ak: DEVAK
      sk: ${SK}
  - name: default
    endpoint: http://127.0.0.1:8443/
    project_id: defaultproject
    credentials:
      ak: DEFAULTAK
      sk: ${SK}
      security_token: ${TOKEN}
  - name: token-user
    region: cn-south-1
    credentials:
      token: ${TOKEN}
  - name: no-credentials
    region: cn-north-1
`;

interface Case {
  name: string;
  /** Files under the case's folder; "home/.modelarts/config.yaml" is the default config file. */
  files?: Record<string, string>;
  env?: Record<string, string>;
  /** Python's argument names; the TypeScript ones are derived. */
  options?: { context?: string; config_file?: string; endpoint?: string; region?: string; project_id?: string; credentials?: Record<string, string> };
}

const CASES: Case[] = [
  { name: "current-context of ~/.modelarts/config.yaml", files: { "home/.modelarts/config.yaml": CONFIG } },
  { name: "context by argument", files: { "home/.modelarts/config.yaml": CONFIG }, options: { context: "default" } },
  { name: "context from MODELARTS_CONTEXT", files: { "home/.modelarts/config.yaml": CONFIG }, env: { MODELARTS_CONTEXT: "token-user" } },
  {
    name: "argument beats MODELARTS_CONTEXT",
    files: { "home/.modelarts/config.yaml": CONFIG },
    env: { MODELARTS_CONTEXT: "token-user" },
    options: { context: "default" },
  },
  { name: "MODELARTS_CONFIG names another file", files: { "elsewhere.yaml": CONFIG }, env: { MODELARTS_CONFIG: "$DIR/elsewhere.yaml" } },
  {
    name: "HUAWEICLOUD_SDK_* beat the context's credentials and project",
    files: { "home/.modelarts/config.yaml": CONFIG },
    env: { HUAWEICLOUD_SDK_AK: "ENVAK", HUAWEICLOUD_SDK_SK: ENV_SK, HUAWEICLOUD_SDK_PROJECT_ID: "envproject" },
    options: { context: "default" },
  },
  {
    name: "MODELARTS_ENDPOINT beats the context, an endpoint argument beats both",
    files: { "home/.modelarts/config.yaml": CONFIG },
    env: { MODELARTS_ENDPOINT: "https://env.example.com/", MODELARTS_REGION: "cn-east-3" },
    options: { endpoint: "https://option.example.com/base/" },
  },
  { name: "region argument", files: { "home/.modelarts/config.yaml": CONFIG }, options: { region: "ap-southeast-1" } },
  { name: "everything from the environment: no file needed", env: { MODELARTS_REGION: "cn-north-4", HUAWEICLOUD_SDK_AK: "ENVAK", HUAWEICLOUD_SDK_SK: ENV_SK } },
  { name: "half of an AK/SK pair in the environment", files: { "home/.modelarts/config.yaml": CONFIG }, env: { HUAWEICLOUD_SDK_AK: "ENVAK" } },
  { name: "token argument", options: { endpoint: "http://127.0.0.1:1", credentials: { token: TOKEN } } },
  // Errors
  { name: "unknown context", files: { "home/.modelarts/config.yaml": CONFIG }, options: { context: "prod" } },
  { name: "context without credentials", files: { "home/.modelarts/config.yaml": CONFIG }, options: { context: "no-credentials" } },
  { name: "no file, nothing given" },
  { name: "MODELARTS_CONFIG names a missing file", env: { MODELARTS_CONFIG: "$DIR/missing.yaml" } },
  { name: "context named, no file", options: { context: "default" } },
  { name: "sk without ak", files: { "home/.modelarts/config.yaml": `contexts:\n  - name: a\n    region: cn-north-4\n    credentials:\n      sk: ${SK}\n` }, options: { context: "a" } },
  { name: "token with ak", files: { "home/.modelarts/config.yaml": `contexts:\n  - name: a\n    region: cn-north-4\n    credentials:\n      token: ${TOKEN}\n      ak: X\n` }, options: { context: "a" } },
  { name: "project id as a number", files: { "home/.modelarts/config.yaml": "contexts:\n  - name: a\n    region: cn-north-4\n    project_id: 12345\n" }, options: { context: "a" } },
  { name: "region that is not one", files: { "home/.modelarts/config.yaml": `contexts:\n  - name: a\n    region: ${SK}\n` }, options: { context: "a" } },
  { name: "endpoint with user info", files: { "home/.modelarts/config.yaml": `contexts:\n  - name: a\n    endpoint: https://user:${SK}@h.example.com\n` }, options: { context: "a" } },
  { name: "duplicate context names", files: { "home/.modelarts/config.yaml": "contexts:\n  - name: a\n    region: cn-north-4\n  - name: a\n    region: cn-north-1\n" }, options: { context: "a" } },
  { name: "contexts missing", files: { "home/.modelarts/config.yaml": "current-context: a\n" } },
  { name: "unknown keys warn", files: { "home/.modelarts/config.yaml": `contexts:\n  - name: a\n    region: cn-north-4\n    colour: blue\n    credentials:\n      ak: A\n      sk: ${SK}\n      ${SK}: x\n` }, options: { context: "a" } },
  { name: "invalid option region", options: { region: "Not A Region", credentials: { ak: "A", sk: SK } } },
  { name: "invalid environment project", env: { HUAWEICLOUD_SDK_PROJECT_ID: "a/b", MODELARTS_REGION: "cn-north-4", HUAWEICLOUD_SDK_AK: "A", HUAWEICLOUD_SDK_SK: ENV_SK } },
];

type Outcome =
  | { ok: { endpoint: string; region: string | null; project_id: string | null; context: string | null; config_file: string | null; credentials: { kind: string; ak: string | null }; sources: Record<string, string>; repr?: string }; warnings: string[] }
  | { error: { message: string; field: string | null; context: string | null; file: string | null; available_contexts: string[] | null; repr?: string }; warnings: string[] };

function layOut(c: Case, base: string): { dir: string; home: string; env: Record<string, string>; options: Case["options"] } {
  const dir = fs.mkdtempSync(path.join(base, "case-"));
  const home = path.join(dir, "home");
  fs.mkdirSync(home);
  for (const [file, text] of Object.entries(c.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text, { mode: 0o600 });
  }
  const sub = (v: string) => v.replace("$DIR", dir);
  const env = Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, sub(v)]));
  const options = c.options && Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, typeof v === "string" ? sub(v) : v]));
  return { dir, home, env, options };
}

function inTypeScript(home: string, env: Record<string, string>, options: Case["options"] = {}): Outcome {
  const warnings: string[] = [];
  const ts: Record<string, unknown> = {};
  if (options.context !== undefined) ts.context = options.context;
  if (options.config_file !== undefined) ts.configFile = options.config_file;
  if (options.endpoint !== undefined) ts.endpoint = options.endpoint;
  if (options.region !== undefined) ts.region = options.region;
  if (options.project_id !== undefined) ts.projectId = options.project_id;
  if (options.credentials !== undefined) {
    const { security_token, ...rest } = options.credentials;
    ts.credentials = security_token === undefined ? rest : { ...rest, securityToken: security_token };
  }
  try {
    const r = resolveContext(ts, env, { homedir: () => home, warn: (m) => warnings.push(m) });
    return {
      ok: {
        endpoint: r.endpoint,
        region: r.region ?? null,
        project_id: r.projectId ?? null,
        context: r.context ?? null,
        config_file: r.configFile ?? null,
        credentials: { kind: r.credentials.kind, ak: r.credentials.kind === "aksk" ? r.credentials.ak : null },
        sources: { endpoint: r.sources.endpoint, credentials: r.sources.credentials, project_id: r.sources.projectId },
      },
      warnings,
    };
  } catch (error) {
    if (!(error instanceof ModelArtsConfigError)) throw error;
    const e = error as ModelArtsConfigError & { file?: string; context?: string; field?: string; availableContexts?: string[] };
    return {
      error: { message: e.message, field: e.field ?? null, context: e.context ?? null, file: e.file ?? null, available_contexts: e.availableContexts ?? null },
      warnings,
    };
  }
}

function inPython(python: string, cases: unknown[]): Promise<Outcome[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [RESOLVE_CASES], { env: { PATH: process.env.PATH, PYTHONPATH: OVERLAY, PYTHONDONTWRITEBYTECODE: "1" }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`resolve_cases.py exit ${code}: ${stderr}`))));
    child.stdin.end(JSON.stringify(cases));
  });
}

describe("Python overlay config (regen/overlays/python/modelarts/config.py) resolves like src/config", () => {
  let base: string;
  let python: string;
  const laid: ReturnType<typeof layOut>[] = [];
  let fromPython: Outcome[];

  beforeAll(async () => {
    python = ensurePythonVenv({ log: () => {} });
    base = fs.mkdtempSync(path.join(os.tmpdir(), "regen-config-"));
    for (const c of CASES) laid.push(layOut(c, base));
    fromPython = await inPython(
      python,
      laid.map(({ home, env, options }) => ({ home, env, options: options ?? {} })),
    );
  }, 300_000);

  afterAll(() => {
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))("%s", (_, i) => {
    const { home, env, options } = laid[i]!;
    const ts = inTypeScript(home, env, options);
    const py = fromPython[i]!;
    const { repr, ...pyFields } = "ok" in py ? py.ok : py.error;
    if ("ok" in ts) {
      expect("ok" in py, JSON.stringify(py)).toBe(true);
      expect(pyFields).toEqual(ts.ok);
    } else {
      expect("error" in py, JSON.stringify(py)).toBe(true);
      const { message, ...fields } = pyFields as { message: string };
      const { message: tsMessage, ...tsFields } = ts.error;
      expect(fields).toEqual(tsFields);
      // Same wording where both parse the same way; YAML syntax errors are worded by each parser.
      expect(message).toBe(tsMessage);
    }
    expect(py.warnings.length).toBe(ts.warnings.length);
    for (const text of [JSON.stringify(py), repr ?? ""]) for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it("names the line of a YAML syntax error without quoting it", async () => {
    const dir = fs.mkdtempSync(path.join(base, "yaml-"));
    fs.mkdirSync(path.join(dir, ".modelarts"));
    fs.writeFileSync(path.join(dir, ".modelarts", "config.yaml"), `contexts:\n  - name: a\n    credentials:\n      sk: "${SK}\\q"\n`, { mode: 0o600 });
    const [py] = await inPython(python, [{ home: dir, env: {}, options: { context: "a" } }]);
    expect(py && "error" in py ? py.error.message : py).toMatch(/config\.yaml:4:\d+: invalid YAML/);
    expect(JSON.stringify(py)).not.toContain(SK);
  });

  it("warns about a config file with credentials that others can read", async () => {
    const dir = fs.mkdtempSync(path.join(base, "mode-"));
    fs.mkdirSync(path.join(dir, ".modelarts"));
    fs.writeFileSync(path.join(dir, ".modelarts", "config.yaml"), CONFIG, { mode: 0o644 });
    fs.chmodSync(path.join(dir, ".modelarts", "config.yaml"), 0o644);
    const [py] = await inPython(python, [{ home: dir, env: {} }]);
    expect(py?.warnings).toEqual([expect.stringMatching(/permissions 0644 for '.*config\.yaml' are too open; it holds credentials: chmod 600 /)]);
  });
});
