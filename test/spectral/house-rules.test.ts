// Proves each rule of .spectral.yaml fires, on a fixture with exactly one defect, and only there:
// every test compares the complete list of findings (rule code, path and file), so a rule that
// also fires somewhere unexpected, or another rule that fires on the same defect, fails the test.
import * as fs from "node:fs";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { Document, Spectral, type ISpectralDiagnostic, type Ruleset } from "@stoplight/spectral-core";
import * as Parsers from "@stoplight/spectral-parsers";
import { bundleAndLoadRuleset } from "@stoplight/spectral-ruleset-bundler/with-loader";
import { fetch } from "@stoplight/spectral-runtime";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const fixtures = path.join(repo, "test/spectral/fixtures");
const realSpec = path.join(repo, "spec/openapi.yaml");

type Finding = { code: string; path: string[]; source: string };

let ruleset: Ruleset;

beforeAll(async () => {
  ruleset = await bundleAndLoadRuleset(path.join(repo, ".spectral.yaml"), { fs, fetch });
});

async function lintText(text: string, source: string): Promise<ISpectralDiagnostic[]> {
  // A fresh Spectral per document: its resolver caches referenced files.
  const spectral = new Spectral();
  spectral.setRuleset(ruleset);
  return spectral.run(new Document(text, Parsers.Yaml, source));
}

async function lint(file: string): Promise<ISpectralDiagnostic[]> {
  return lintText(await readFile(file, "utf8"), file);
}

function findings(results: ISpectralDiagnostic[]): Finding[] {
  return results.map((r) => ({
    code: String(r.code),
    path: r.path.map(String),
    source: path.relative(fixtures, r.source ?? ""),
  }));
}

const OP = ["paths", "/v1/{project_id}/data-annotations/{data_annotation_id}/obs/sync", "post"];
const SPLIT_OP = ["post"];

describe("clean fixtures report nothing", () => {
  it("single file", async () => {
    expect(findings(await lint(path.join(fixtures, "clean.yaml")))).toEqual([]);
  });

  // Also pins the resolver behaviour house-named-response-schema, house-error-response-schema
  // and house-unused-component rely on: one shared object per $ref target, even across files.
  it("split layout (root lists components by file, path files ref component files)", async () => {
    expect(findings(await lint(path.join(fixtures, "split-clean/openapi.yaml")))).toEqual([]);
  });
});

// [fixture, expected findings]; the fixture file is test/spectral/fixtures/<name>.yaml.
const cases: Array<[string, Array<Omit<Finding, "source"> & { source?: string }>]> = [
  ["house-operation-id", [{ code: "house-operation-id", path: [...OP, "operationId"] }]],
  ["house-operation-tag", [{ code: "house-operation-tag", path: [...OP, "tags"] }]],
  ["house-operation-4xx-error-response", [{ code: "house-operation-4xx-error-response", path: [...OP, "responses"] }]],
  ["house-error-response-schema", [{ code: "house-error-response-schema", path: [...OP, "responses", "404"] }]],
  [
    "house-parameter-docs",
    [{ code: "house-parameter-docs", path: [...OP, "parameters", "0"] }],
  ],
  [
    "house-property-docs",
    [{ code: "house-property-docs", path: ["components", "schemas", "TaskInfo", "properties", "task_id"] }],
  ],
  ["oas3-valid-media-example", [{ code: "oas3-valid-media-example", path: [...OP, "responses", "200", "content", "application/json", "example", "success"] }]],
  ["oas3-valid-schema-example", [{ code: "oas3-valid-schema-example", path: ["components", "schemas", "SyncObsResponse", "properties", "success", "example"] }]],
  [
    "house-composed-schema-example",
    [{ code: "house-composed-schema-example", path: ["components", "schemas", "SyncObsResponse", "properties", "task", "example", "task_id"] }],
  ],
  [
    "house-path-param-constrained",
    [{ code: "house-path-param-constrained", path: ["components", "parameters", "DataAnnotationId"] }],
  ],
  [
    "house-path-prefix",
    [{ code: "house-path-prefix", path: ["paths", "/v2/{project_id}/data-annotations/{data_annotation_id}/obs/sync"] }],
  ],
  [
    "house-named-response-schema",
    [{ code: "house-named-response-schema", path: [...OP, "responses", "200", "content", "application/json"] }],
  ],
  ["house-unused-component", [{ code: "house-unused-component", path: ["components", "schemas", "Unused"] }]],
  ["house-component-alias", [{ code: "house-component-alias", path: ["components", "schemas", "SyncResult"] }]],
  [
    "house-enum-values-documented",
    [{ code: "house-enum-values-documented", path: ["components", "schemas", "SyncObsResponse", "properties", "status"] }],
  ],
  ["house-assumption-marked", [{ code: "house-assumption-marked", path: ["components", "schemas", "SyncObsResponse", "properties", "progress"] }]],
];

describe("each rule fires on its fixture, and nothing else does", () => {
  it.each(cases)("%s", async (name, expected) => {
    const file = `${name}.yaml`;
    const got = findings(await lint(path.join(fixtures, file)));
    expect(got).toEqual(expected.map((e) => ({ source: file, ...e })));
  });

  it("every house rule in .spectral.yaml has a fixture case", () => {
    const houseRules = Object.keys(ruleset.rules).filter((code) => code.startsWith("house-"));
    const covered = new Set(cases.map(([name]) => name));
    expect(houseRules.filter((code) => !covered.has(code))).toEqual([]);
  });

  it("both example rules run at error severity", () => {
    for (const code of ["oas3-valid-media-example", "oas3-valid-schema-example", "house-composed-schema-example"]) {
      expect(ruleset.rules[code]?.enabled, code).toBe(true);
      expect(ruleset.rules[code]?.severity, code).toBe(0); // DiagnosticSeverity.Error
    }
  });
});

describe("split layout", () => {
  it("an inline 200 body in a path file fires house-named-response-schema there", async () => {
    const got = findings(await lint(path.join(fixtures, "split-inline-response/openapi.yaml")));
    expect(got).toEqual([
      {
        code: "house-named-response-schema",
        path: [...SPLIT_OP, "responses", "200", "content", "application/json"],
        source: "split-inline-response/paths/obs-sync.yaml",
      },
    ]);
  });

  it("a ref to a schema file the root does not list under components.schemas fires it too", async () => {
    const got = findings(await lint(path.join(fixtures, "split-unregistered-schema/openapi.yaml")));
    expect(got).toEqual([
      {
        code: "house-named-response-schema",
        path: [...SPLIT_OP, "responses", "200", "content", "application/json"],
        source: "split-clean/paths/obs-sync.yaml",
      },
    ]);
  });

  it("a listed component file no path refs fires house-unused-component on the root entry", async () => {
    const got = findings(await lint(path.join(fixtures, "split-unused-component/openapi.yaml")));
    expect(got).toEqual([
      {
        code: "house-unused-component",
        path: ["components", "schemas", "Unused"],
        source: "split-unused-component/openapi.yaml",
      },
    ]);
  });
});

describe("house-operation-id word lists", () => {
  const clean = fs.readFileSync(path.join(fixtures, "clean.yaml"), "utf8");
  const codesFor = async (operationId: string) => {
    const text = clean.replace("operationId: sync_obs", `operationId: ${operationId}`);
    // A virtual path next to the fixtures, so relative refs (none here) would still resolve.
    return (await lintText(text, path.join(fixtures, `virtual-${operationId}.yaml`))).map((r) => r.code);
  };

  it.each([
    "syncObs", // camelCase
    "SyncObs",
    "sync__obs",
    "sync_obs_",
    "_sync_obs",
    "sync-obs",
    "def", // Python only
    "nonlocal", // Python only
    "async", // Python (3.7+); only contextual in JavaScript
    "func", // Go only
    "range", // Go only
    "chan", // Go only
    "fallthrough", // Go only
    "enum", // JavaScript only
    "let", // JavaScript strict mode
    "static", // JavaScript strict mode
    "eval", // JavaScript strict-mode binding restriction
    "arguments",
    "constructor", // would become the generated class's constructor
    "case", // Go and JavaScript (a soft keyword only in Python)
    "type", // Go (a soft keyword only in Python)
  ])("rejects %s", async (operationId) => {
    expect(await codesFor(operationId)).toEqual(["house-operation-id"]);
  });

  it.each([
    "sync_obs",
    "get_image_info_by_ids",
    "query_validation",
    "v2_sync",
    "match", // Python soft keyword: valid as a method name (see operationIdIdentifier.js)
    "of", // JavaScript contextual keyword, valid identifier
    "get",
    "print", // Python 2 statement, an ordinary name in Python 3
  ])("accepts %s", async (operationId) => {
    expect(await codesFor(operationId)).toEqual([]);
  });
});

describe("house-operation-tag variants", () => {
  const clean = fs.readFileSync(path.join(fixtures, "clean.yaml"), "utf8");
  const lintTags = async (tags: string) =>
    findings(await lintText(clean.replace("tags: [DataAnnotations]", `tags: ${tags}`), path.join(fixtures, "virtual-tags.yaml")))
      .map(({ code, path: p }) => ({ code, path: p }));

  it("no tags", async () => {
    expect(await lintTags("[]")).toEqual([{ code: "house-operation-tag", path: [...OP, "tags"] }]);
  });

  it("an undeclared tag", async () => {
    expect(await lintTags("[Labels]")).toEqual([{ code: "house-operation-tag", path: [...OP, "tags", "0"] }]);
  });

  it("the other declared tag is fine", async () => {
    expect(await lintTags("[Label]")).toEqual([]);
  });
});

describe("house-enum-values-documented on parameters", () => {
  const clean = fs.readFileSync(path.join(fixtures, "clean.yaml"), "utf8");
  const withParameter = (description: string) =>
    clean.replace(
      "      tags: [DataAnnotations]\n",
      [
        "      tags: [DataAnnotations]",
        "      parameters:",
        "        - name: type",
        "          in: query",
        `          description: '${description}'`,
        "          example: 0",
        "          schema:",
        "            type: integer",
        "            enum: [0, 1]",
        "",
      ].join("\n"),
    );
  const lintParameter = async (description: string) =>
    findings(await lintText(withParameter(description), path.join(fixtures, "virtual-enum.yaml")))
      .map(({ code, path: p }) => ({ code, path: p }));

  // The parameter's schema is also a schema root; its enum must not be judged by the schema's
  // own (absent) description.
  it("accepts values explained in the parameter description", async () => {
    expect(await lintParameter("Job type. 0: classification, 1: detection.")).toEqual([]);
  });

  it("reports a value the parameter description leaves out", async () => {
    expect(await lintParameter("Job type. 0: classification; 10 more to come.")).toEqual([
      { code: "house-enum-values-documented", path: [...OP, "parameters", "0"] },
    ]);
  });
});

describe("spec/openapi.yaml", () => {
  it("lints with zero findings", async () => {
    const results = await lint(realSpec);
    const readable = results.map((r) => `${path.relative(repo, r.source ?? "")} ${r.path.join(".")} ${r.code}: ${r.message}`);
    expect(readable).toEqual([]);
  });
});

describe("house-assumption-marked wants a reason, not a token mark", () => {
  it("refuses an x-assumption that is not a sentence", async () => {
    const clean = fs.readFileSync(path.join(fixtures, "clean.yaml"), "utf8");
    const text = clean.replace("x-assumption: The service reports no scale; a percentage is the project's reading.", "x-assumption: assumed");
    expect(text).not.toBe(clean);
    expect(findings(await lintText(text, path.join(fixtures, "clean.yaml")))).toEqual([
      { code: "house-assumption-marked", path: ["components", "schemas", "SyncObsResponse", "properties", "progress", "x-assumption"], source: "clean.yaml" },
    ]);
  });
});
