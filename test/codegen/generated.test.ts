import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, describe, expect, it } from "vitest";
import { OPERATIONS as TABLE, OPERATION_IDS, PARAMETERS } from "../../generated/operations.js";
import { generatedFiles } from "../../scripts/generate.mjs";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
// The operation table is what the code reads; these tests check it against the bundled spec.
const OPERATIONS = OPERATION_IDS as readonly string[];

describe("generated/", () => {
  it("openapi.json is a valid OpenAPI 3.0.3 document whose operations are the table's", async () => {
    const document = JSON.parse(await readFile(path.join(root, "generated/openapi.json"), "utf8"));
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe("3.0.3");
    const operations = Object.values(document.paths as Record<string, Record<string, { operationId?: string; tags?: string[] }>>).flatMap(
      (item) => Object.values(item).filter((op) => typeof op === "object" && op !== null && "operationId" in op),
    );
    expect(operations.map((op) => op.operationId).sort()).toEqual([...OPERATIONS].sort());
    expect(operations.find((op) => op.operationId === "query_validation")!.tags).toEqual(["Label"]);
    // Each operation sits under the tag its API class is named for: the table's, read from the same spec.
    for (const op of operations) expect(op.tags, op.operationId).toEqual([(TABLE as unknown as Record<string, { tag: string }>)[op.operationId!]!.tag]);
  });

  it("the table holds each operation's method, path and success status as the spec gives them", async () => {
    const document = JSON.parse(await readFile(path.join(root, "generated/openapi.json"), "utf8"));
    expect(OPERATIONS.length).toBeGreaterThan(0);
    for (const [id, entry] of Object.entries(TABLE)) {
      const operation = document.paths[entry.path][entry.method];
      expect(operation.operationId).toBe(id);
      expect(Object.keys(operation.responses)).toContain(String(entry.successStatus));
      expect(entry.validate).toBeTypeOf("function");
      // The table's rows leave these out: they are expanded from the path and the key when it loads.
      expect(entry.operationId).toBe(id);
      const declared = [...(document.paths[entry.path].parameters ?? []), ...(operation.parameters ?? [])]
        .map((p: { $ref?: string; in?: string; name?: string }) => (p.$ref ? document.components.parameters[p.$ref.split("/").pop()!] : p))
        .filter((p: { in: string }) => p.in === "path")
        .map((p: { name: string }) => p.name);
      expect([...entry.pathParameters].sort()).toEqual([...new Set(declared)].sort());
      expect(entry.pathParameters).toEqual([...entry.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
    }
  });

  it("each operation's validator refuses an empty argument object, asking for a path parameter first", () => {
    for (const [id, entry] of Object.entries(TABLE)) {
      expect(entry.validate({}), id).toBe(false);
      expect(entry.validate.errors, id).toEqual([{ path: entry.pathParameters[0], problem: "is required" }]);
    }
  });

  it("a parameter object is the validator's schema, the table's entry and config's pattern source at once", () => {
    const perPage = TABLE.show_images_by_tag.queryParameters.find((p) => p.name === "per_page");
    expect(perPage).toMatchObject({ type: "integer", minimum: 1, maximum: 100, default: 10 });
    expect(TABLE.show_images_by_tag.validate.schema.properties?.per_page).toBe(perPage);
    expect(TABLE.sync_obs.validate.schema.properties?.project_id).toBe(PARAMETERS.ProjectId);
  });

  it("each argument schema takes the operation's parameters and body by name, requiring the path parameters and a required body", async () => {
    const document = JSON.parse(await readFile(path.join(root, "generated/openapi.json"), "utf8"));
    for (const [id, entry] of Object.entries(TABLE)) {
      const { properties, required, additionalProperties } = entry.validate.schema;
      const operation = document.paths[entry.path][entry.method];
      const declared = [...(document.paths[entry.path].parameters ?? []), ...(operation.parameters ?? [])].map(
        (p: { $ref?: string; name?: string; required?: boolean }) => (p.$ref ? document.components.parameters[p.$ref.split("/").pop()!] : p),
      );
      const names = declared.map((p: { name: string }) => p.name).concat(operation.requestBody ? ["body"] : []);
      expect(Object.keys(properties ?? {}).sort(), id).toEqual([...new Set(names)].sort());
      const requiredNames = declared.filter((p: { required?: boolean }) => p.required).map((p: { name: string }) => p.name).concat(operation.requestBody?.required ? ["body"] : []);
      expect([...(required ?? [])].sort(), id).toEqual([...new Set(requiredNames)].sort());
      expect(additionalProperties, id).toBe(false);
      expect(entry.body, id).toEqual(operation.requestBody ? { required: operation.requestBody.required === true } : null);
    }
  });

  it("schema.ts types every operation", async () => {
    const types = await readFile(path.join(root, "generated/schema.ts"), "utf8");
    expect(types.startsWith("/**\n * GENERATED")).toBe(true);
    for (const id of OPERATIONS) expect(types).toMatch(new RegExp(`^    ${id}: \\{$`, "m"));
  });
});

describe("the generator, on edited specs", () => {
  const after: string[] = [];
  afterAll(async () => {
    await Promise.all(after.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const PKG = { name: "modelarts-data-annotations", version: "0.0.0" };
  type Spec = { components: { schemas: Record<string, { properties?: object }> } };
  async function specWith(edit: (document: Spec) => void): Promise<object> {
    const document = JSON.parse(await readFile(path.join(root, "generated/openapi.json"), "utf8"));
    edit(document);
    return document;
  }

  it.each([
    ["a keyword it does not implement", (d: Spec) => Object.assign(d.components.schemas.ImageSize!, { multipleOf: 2 }), /#\/components\/schemas\/ImageSize\/multipleOf: the JSON Schema keyword "multipleOf" is not one the shared validator/],
    ["a format it does not know", (d: Spec) => Object.assign(d.components.schemas.DetectionTag!.properties!, { tag: { type: "string", format: "uuid" } }), /DetectionTag\/properties\/tag: the spec uses format "uuid"/],
    ["a pattern JavaScript cannot compile", (d: Spec) => Object.assign(d.components.schemas.DetectionTag!.properties!, { tag: { type: "string", pattern: "(?<x" } }), /DetectionTag\/properties\/tag\/pattern: the validator cannot compile this pattern/],
    ["a recursive schema", (d: Spec) => Object.assign(d.components.schemas.DetectionTag!.properties!, { tag: { $ref: "#/components/schemas/ImageTag" } }), /refers to itself/],
  ])("%s", async (_label, edit, message) => {
    await expect(generatedFiles(await specWith(edit), PKG)).rejects.toThrow(message);
  });

  it("a required query parameter or an optional body is written out, and the table follows it", async () => {
    const document = (await specWith(() => {})) as { components: { parameters: Record<string, { required?: boolean }> }; paths: Record<string, Record<string, { requestBody?: { required?: boolean } }>> };
    document.components.parameters.PerPage!.required = true;
    document.paths["/v1/{project_id}/data-annotations/{data_annotation_id}/images/delete"]!.post!.requestBody!.required = false;
    const text = (await generatedFiles(document, PKG)).get("operations.ts")!;
    // The module as a program of its own, its one import pointed at the validator in src/.
    const dir = await mkdtemp(path.join(tmpdir(), "table-"));
    after.push(dir);
    const file = path.join(dir, "operations.ts");
    await writeFile(file, text.replace('"../src/validation/json-schema.js"', JSON.stringify(path.join(root, "src/validation/json-schema.ts"))));
    const { OPERATIONS: table } = (await import(file)) as { OPERATIONS: typeof TABLE };
    expect(table.show_images_by_tag.validate.schema.required).toEqual(["project_id", "data_annotation_id", "per_page"]);
    expect(table.show_images_by_tag.validate({ project_id: "p", data_annotation_id: "282" })).toBe(false);
    expect(table.show_images_by_tag.validate.errors).toEqual([{ path: "per_page", problem: "is required" }]);
    expect(table.delete_selected_images.body).toEqual({ required: false });
    expect(table.delete_selected_images.validate({ project_id: "p", data_annotation_id: "282" })).toBe(true);
    expect(table.delete_selected_images.validate({ project_id: "p", data_annotation_id: "282", body: { image_id: [] } })).toBe(false);
    // Operations as the spec has them keep the short row.
    expect(table.sync_obs.validate.schema.required).toEqual(["project_id", "data_annotation_id"]);
  });

  it("the spec as it is generates", async () => {
    const files = await generatedFiles(await specWith(() => {}), PKG);
    expect(files.get("operations.ts")).toBe(await readFile(path.join(root, "generated/operations.ts"), "utf8"));
  });
});

describe("npm run check:drift", () => {
  const copies: string[] = [];
  afterAll(async () => {
    await Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  // A copy of the repository's spec, codegen script and generated/ where a spec edit can be made.
  async function copyOfRepo(): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), "drift-"));
    copies.push(dir);
    for (const entry of ["spec", "generated", "scripts/generate.mjs", "package.json"]) {
      await cp(path.join(root, entry), path.join(dir, entry), { recursive: true });
    }
    await symlink(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
  }

  it("passes when generated/ matches spec/", async () => {
    const dir = await copyOfRepo();
    const { stdout } = await run("node", ["scripts/generate.mjs", "--check"], { cwd: dir });
    expect(stdout).toContain("generated/ matches spec/");
  });

  it("fails naming the stale files after a schema edit", async () => {
    const dir = await copyOfRepo();
    const file = path.join(dir, "spec/components/schemas/TagCount.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("description: Name of the tag.", "description: Name of the tag, edited."));
    const failure = await run("node", ["scripts/generate.mjs", "--check"], { cwd: dir }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain("generated/openapi.json");
    expect(failure?.stderr).toContain("generated/schema.ts");
    expect(failure?.stderr).not.toContain("generated/operations.ts"); // a description is not in the table
    expect(failure?.stderr).toContain("npm run generate");
  });

  it("fails after a path edit", async () => {
    const dir = await copyOfRepo();
    const file = path.join(dir, "spec/openapi.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("/obs/sync-status:", "/obs/sync_status:"));
    await expect(run("node", ["scripts/generate.mjs", "--check"], { cwd: dir })).rejects.toMatchObject({ code: 1 });
  });
});
