// Real run of scripts/regen.mjs (openapi-generator on generated/openapi.json) for python,
// go and java, then checks of what came out. The first run on a fresh clone also fetches
// the pinned generator jar (see scripts/lib/generator-jar.mjs).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "regen.mjs");
const OUT = path.join(ROOT, "out", "clients");
const PY_PACKAGE = "modelarts_data_annotations";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

// Reads the generated Python source with `ast` (no third-party package needed) and
// reports the positional parameters of DataAnnotationsApi.sync_obs and which are required.
const PY_AST = `
import ast, json, pathlib, sys
pkg = pathlib.Path(sys.argv[1])
found = []
for f in sorted((pkg / "api").glob("*.py")):
    for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"), str(f))):
        if isinstance(node, ast.ClassDef) and node.name == "DataAnnotationsApi":
            for fn in node.body:
                if isinstance(fn, ast.FunctionDef) and fn.name == "sync_obs":
                    a = fn.args
                    names = [x.arg for x in a.posonlyargs + a.args]
                    required = names[: len(names) - len(a.defaults)]
                    found.append({"file": f.name, "params": names, "required": required})
init = (pkg / "__init__.py").read_text(encoding="utf-8")
print(json.dumps({"found": found, "exported": "import DataAnnotationsApi" in init}))
`;

describe("npm run regen (openapi-generator clients)", () => {
  let result: Run;

  beforeAll(async () => {
    result = await run(process.execPath, [SCRIPT, "python", "go", "java"]);
    if (result.code !== 0) console.error(result.stdout, result.stderr);
  }, 240_000);

  it("regenerates python, go and java without generator errors", () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/regen: error/);
    for (const lang of ["python", "go", "java"]) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${lang}\\s+-> .*out/clients/${lang}/`, "m"));
      expect(fs.existsSync(path.join(OUT, lang, ".openapi-generator", "FILES"))).toBe(true);
      const log = fs.readFileSync(path.join(OUT, ".logs", `${lang}.log`), "utf8");
      expect(log).not.toMatch(/^\[\w+\] ERROR/m);
      expect(log).not.toMatch(/^Exception in thread|^[\w.$]+Exception: /m);
    }
    // No temporary generation folder left behind.
    expect(fs.readdirSync(OUT).filter((n) => n.startsWith(".tmp-"))).toEqual([]);
  });

  it("python: DataAnnotationsApi.sync_obs(project_id, data_annotation_id) in the source (ast)", async () => {
    const r = await run("python3", ["-c", PY_AST, path.join(OUT, "python", PY_PACKAGE)]);
    expect(r.code, r.stderr).toBe(0);
    const { found, exported } = JSON.parse(r.stdout) as {
      found: { file: string; params: string[]; required: string[] }[];
      exported: boolean;
    };
    expect(found).toHaveLength(1);
    expect(found[0]?.file).toBe("data_annotations_api.py");
    expect(found[0]?.params.slice(0, 3)).toEqual(["self", "project_id", "data_annotation_id"]);
    expect(found[0]?.required).toEqual(["self", "project_id", "data_annotation_id"]);
    expect(exported).toBe(true);
  });

  it("go: module, package and DataAnnotationsAPIService.SyncObs", () => {
    const dir = path.join(OUT, "go");
    expect(fs.readFileSync(path.join(dir, "go.mod"), "utf8")).toMatch(/^module example\.com\/modelarts-data-annotations\/modelarts-go$/m);
    const api = fs.readFileSync(path.join(dir, "api_data_annotations.go"), "utf8");
    expect(api).toMatch(/^package modelarts$/m);
    expect(api).toMatch(
      /func \(a \*DataAnnotationsAPIService\) SyncObs\(ctx context\.Context, projectId string, dataAnnotationId string\) ApiSyncObsRequest/,
    );
  });

  it("go: go build ./... compiles the client", async () => {
    const env = { ...process.env, GOFLAGS: `${process.env.GOFLAGS ?? ""} -mod=mod`.trim(), GOTOOLCHAIN: "local" };
    const r = await run("go", ["build", "./..."], { cwd: path.join(OUT, "go"), env });
    expect(r.code, r.stderr).toBe(0);
  }, 180_000);

  it("java: pom coordinates and DataAnnotationsApi.syncObs(projectId, dataAnnotationId)", () => {
    const dir = path.join(OUT, "java");
    const pom = fs.readFileSync(path.join(dir, "pom.xml"), "utf8");
    expect(pom).toContain("<groupId>com.example.modelarts</groupId>");
    expect(pom).toContain("<artifactId>modelarts-data-annotations</artifactId>");
    const api = fs.readFileSync(path.join(dir, "src/main/java/com/example/modelarts/annotations/api/DataAnnotationsApi.java"), "utf8");
    expect(api).toMatch(/^package com\.example\.modelarts\.annotations\.api;$/m);
    expect(api).toMatch(/public SyncObsResponse syncObs\([^,)]*String projectId, [^,)]*String dataAnnotationId\) throws ApiException/);
    // library "native": java.net.http, no OkHttp
    expect(api).toContain("java.net.http.HttpRequest");
    expect(pom).not.toContain("okhttp");
  });

  it("fails with a clear message on a spec that does not validate, leaving out/ alone", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "regen-test-"));
    try {
      const bad = path.join(tmp, "bad.json");
      fs.writeFileSync(
        bad,
        JSON.stringify({
          openapi: "3.0.3",
          info: { title: "broken" }, // no version
          paths: {
            "/a": {
              get: {
                operationId: "a",
                responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/Missing" } } } } },
              },
            },
          },
        }),
      );
      const out = path.join(tmp, "clients");
      const r = await run(process.execPath, [SCRIPT, "python", "--spec", bad, "--out", out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/regen: error: the spec .*bad\.json does not validate/);
      expect(r.stderr).toMatch(/schemas\/Missing/);
      expect(r.stderr).toMatch(/info\.version is missing/);
      expect(fs.existsSync(path.join(out, "python"))).toBe(false);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);

  it("rejects an unknown language with usage and exit code 2", async () => {
    const r = await run(process.execPath, [SCRIPT, "cobol"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown language "cobol"/);
    expect(r.stderr).toMatch(/usage: node scripts\/regen\.mjs/);
  });
});
