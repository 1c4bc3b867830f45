import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, describe, expect, it } from "vitest";
import { OPERATIONS as TABLE, OPERATION_IDS } from "../../generated/operations.js";

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

  it("each operation's validator compiles (it does so at its first call) and refuses an empty argument object", () => {
    // compileSchemaOnFirstUse: an unknown keyword or reference in validators.ts would throw here.
    for (const [id, entry] of Object.entries(TABLE)) {
      expect(() => entry.validate({}), id).not.toThrow();
      expect(entry.validate({}), id).toBe(false);
      expect(entry.validate.errors?.[0]?.keyword, id).toBe("required");
    }
  });

  it("schema.ts types every operation", async () => {
    const types = await readFile(path.join(root, "generated/schema.ts"), "utf8");
    expect(types.startsWith("/**\n * GENERATED")).toBe(true);
    for (const id of OPERATIONS) expect(types).toMatch(new RegExp(`^    ${id}: \\{$`, "m"));
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
