/**
 * The claim of `call`: an operation the spec gains is callable from the shell without a change
 * to the CLI. A copy of the repository's spec/ gets a twelfth operation (fixtures/
 * twelfth-operation.yaml as a path file, and one line in openapi.yaml), `npm run generate`'s
 * script makes that copy's operation table, and the CLI's own command builder, unchanged, is
 * handed that table: the new operation has a command whose options come from its parameters,
 * whose values are checked by the new table's types and limits, and whose parsed request the
 * new spec's own validator accepts.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { CommanderError } from "commander";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { OperationEntry } from "../../src/index.node.js";
import { readBody } from "../../src/cli/body.js";
import { buildCallProgram, parseCall, type CallableOperation } from "../../src/cli/call-command.js";
import type { CliIo } from "../../src/cli/output.js";
import { UsageError } from "../../src/cli/usage.js";
import { REPO } from "./run.js";

const NEW_PATH = "/v1/{project_id}/data-annotations/{data_annotation_id}/tags/rename";

/** Help with the lines commander wrapped at 80 columns joined again. */
const unwrapped = (help: string) => help.replace(/\n {20,}/g, " ");

/** Writes what the CLI prints into strings. */
function capture(): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: {},
    out: () => out,
    err: () => err,
  };
}

let copy: string;
let table: Readonly<Record<string, OperationEntry>>;

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), "twelfth-operation-"));
  for (const entry of ["spec", "scripts/generate.mjs", "package.json"]) await cp(join(REPO, entry), join(copy, entry), { recursive: true });
  // The generated table imports the validator from ../src; the generator needs its packages.
  await symlink(join(REPO, "src"), join(copy, "src"), "dir");
  await symlink(join(REPO, "node_modules"), join(copy, "node_modules"), "dir");
  await cp(join(REPO, "test/cli/fixtures/twelfth-operation.yaml"), join(copy, "spec/paths/data-annotations-tags-rename.yaml"));
  const root = join(copy, "spec/openapi.yaml");
  const text = await readFile(root, "utf8");
  // The one line a twelfth operation adds to the root document: its path, pointing at its file.
  await writeFile(root, text.replace(/^components:$/m, `  ${NEW_PATH}: { $ref: ./paths/data-annotations-tags-rename.yaml }\ncomponents:`));
  await promisify(execFile)(process.execPath, ["scripts/generate.mjs"], { cwd: copy });
  ({ OPERATIONS: table } = (await import(pathToFileURL(join(copy, "generated/operations.ts")).href)) as { OPERATIONS: Readonly<Record<string, OperationEntry>> });
}, 120_000);

afterAll(async () => {
  if (copy !== undefined) await rm(copy, { recursive: true, force: true });
});

describe("a twelfth operation in a copy of the spec", () => {
  test("is in that copy's operation table, beside the spec's own", async () => {
    const { OPERATIONS } = await import("../../generated/operations.js");
    expect(OPERATIONS).not.toHaveProperty("rename_tag");
    expect(Object.keys(table)).toEqual([...Object.keys(OPERATIONS), "rename_tag"]);
    expect(table.rename_tag).toMatchObject({ method: "post", path: NEW_PATH, pathParameters: ["project_id", "data_annotation_id"], body: { required: true } });
    expect(table.rename_tag!.queryParameters.map((p) => p.name)).toEqual(["dry_run", "max_images", "match"]);
  });

  test("call --help lists it with its method and path, under its tag", async () => {
    const io = capture();
    const error = await parseCall(table, io, ["--help"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).exitCode).toBe(0);
    const operations = unwrapped(io.out()).split("DataAnnotations operations:\n")[1]!.split("\n\n")[0]!;
    expect(operations).toMatch(/^ {2}rename_tag +POST \/data-annotations\/\{data_annotation_id\}\/tags\/rename$/m);
  });

  test("call rename_tag --help lists its parameters, with the new table's types, limits and defaults", async () => {
    const io = capture();
    await expect(parseCall(table, io, ["rename_tag", "--help"])).rejects.toBeInstanceOf(CommanderError);
    const help = unwrapped(io.out());
    expect(help).toMatch(/^Usage: modelarts-annotations call rename_tag \[options\]$/m);
    expect(help).toMatch(/^ {2}-j, --data-annotation-id <id> +path parameter data_annotation_id \(required\)$/m);
    expect(help).toMatch(/^ {2}--dry-run <true\|false> +query parameter dry_run; boolean; default false$/m);
    expect(help).toMatch(/^ {2}--max-images <n> +query parameter max_images; integer, from 1 to 1000$/m);
    expect(help).toMatch(/^ {2}--match <text> +query parameter match; one of exact, prefix; default "exact"$/m);
    expect(help).toMatch(/^ {2}--body <json\|@file\|-> +request body: .*\(required\)$/m);
    expect(help).toContain("Examples:\n  $ modelarts-annotations call rename_tag -j <data_annotation_id> --body @body.json\n");
  });

  test("a command line becomes the request the new spec's own validator accepts", async () => {
    const args = ["rename_tag", "-j", "282", "--dry-run", "true", "--max-images", "50", "--match", "prefix", "--body", '{"from":"kitty","to":"cat"}', "--json"];
    const request = await parseCall(table, capture(), args);
    expect(request).toEqual({
      operationId: "rename_tag",
      tag: "DataAnnotations",
      params: { data_annotation_id: "282", dry_run: true, max_images: 50, match: "prefix" },
      body: '{"from":"kitty","to":"cat"}',
      flags: { json: true, color: true },
    });
    const params = { project_id: "cc0f0990a56f4b8c9d41c85e79cc511c", ...request!.params, body: await readBody(request!.body!) };
    expect(table.rename_tag!.validate(params), JSON.stringify(table.rename_tag!.validate.errors)).toBe(true);
    // What the new spec refuses, its validator refuses in the helper, before any request.
    expect(table.rename_tag!.validate({ ...params, body: { from: "kitty" } })).toBe(false);
    expect(table.rename_tag!.validate({ ...params, data_annotation_id: "not-a-number" })).toBe(false);
  });

  test("values against the new table's types and limits are refused as they are parsed, naming the option", async () => {
    const cases: [string[], string][] = [
      [["--max-images", "5000"], "option '--max-images <n>' argument '5000' is invalid. must be from 1 to 1000."],
      [["--max-images", "ten"], "option '--max-images <n>' argument 'ten' is invalid. must be a whole number."],
      [["--dry-run", "yes"], "option '--dry-run <true|false>' argument 'yes' is invalid. must be true or false."],
      [["--match", "fuzzy"], "option '--match <text>' argument 'fuzzy' is invalid. must be one of exact, prefix."],
    ];
    for (const [extra, message] of cases) {
      const io = capture();
      const error = await parseCall(table, io, ["rename_tag", "-j", "282", "--body", "{}", ...extra]).catch((e: unknown) => e);
      expect(error, extra.join(" ")).toBeInstanceOf(CommanderError);
      expect((error as CommanderError).exitCode).toBe(1);
      expect(io.err()).toContain(`error: ${message}`);
    }
    const missing = capture();
    await expect(parseCall(table, missing, ["rename_tag", "-j", "282"])).rejects.toBeInstanceOf(CommanderError);
    expect(missing.err()).toContain("error: required option '--body <json|@file|->' not specified");
  });

  test("a mistyped name is answered with the new operation among the suggestions", async () => {
    const error = await parseCall(table, capture(), ["rename_tags"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ message: "unknown operation 'rename_tags'", hint: expect.stringMatching(/^Did you mean rename_tag\?/) });
  });

  test("no file of the CLI names it: the command comes from the table alone", async () => {
    const files = (await readdir(join(REPO, "src/cli"), { recursive: true })).filter((name) => name.endsWith(".ts"));
    expect(files).toContain("call-command.ts");
    for (const name of files) expect(await readFile(join(REPO, "src/cli", name), "utf8"), name).not.toContain("rename_tag");
    // The same builder serves the real table, without rename_tag.
    const { OPERATIONS } = await import("../../generated/operations.js");
    const io = capture();
    const call = buildCallProgram(OPERATIONS, io, () => {}).commands[0]!;
    expect(call.commands.map((command) => command.name())).toEqual(Object.keys(OPERATIONS));
  });
});

describe("parameters of any type and name, in a table made by hand", () => {
  // Every kind of query parameter the table can describe, and names the CLI's own options already have.
  const entry = {
    operationId: "list_things",
    tag: "DataAnnotations",
    method: "get",
    path: "/v1/{project_id}/things/{config}",
    pathParameters: ["project_id", "config"],
    queryParameters: [
      { name: "region", type: "string" },
      { name: "json", type: "boolean" },
      { name: "ratio", type: "number", minimum: 0, maximum: 1 },
      { name: "ids", type: "array" },
      { name: "filter", type: "object" },
      { name: "sortOrder", type: "string", enum: ["asc", "desc"] },
    ],
    body: null,
  } as const satisfies CallableOperation;
  const handMade = { list_things: entry };

  test("a parameter named like a client option gets its place as a prefix; the client option keeps its meaning", async () => {
    const args = ["list_things", "--path-config", "c1", "--query-region", "eu", "--query-json", "false", "--region", "cn-north-4", "--json"];
    const request = await parseCall(handMade, capture(), args);
    expect(request).toMatchObject({ params: { config: "c1", region: "eu", json: false }, flags: { region: "cn-north-4", json: true } });
  });

  test("numbers, repeated array values, JSON objects and enums become the types the table gives", async () => {
    const args = ["list_things", "--path-config", "c1", "--ratio", "0.25", "--ids", "a", "--ids", "b", "--filter", '{"tag":"cat"}', "--sort-order", "desc"];
    const request = await parseCall(handMade, capture(), args);
    expect(request!.params).toEqual({ config: "c1", ratio: 0.25, ids: ["a", "b"], filter: { tag: "cat" }, sortOrder: "desc" });
    for (const [extra, message] of [
      [["--ratio", "2"], "must be from 0 to 1."],
      [["--ratio", "half"], "must be a number."],
      [["--filter", "[1]"], "must be a JSON object."],
      [["--sort-order", "up"], "must be one of asc, desc."],
    ] as const) {
      const io = capture();
      await expect(parseCall(handMade, io, ["list_things", "--path-config", "c1", ...extra])).rejects.toBeInstanceOf(CommanderError);
      expect(io.err()).toContain(message);
    }
  });
});
