/**
 * Help, version and start-up: `--help` on every command answers with examples and exit 0,
 * and the modules loaded before a command runs never reach the client or the emulator, so
 * help and typos answer at once however large those grow.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { cli, REPO } from "./run.js";

const COMMANDS = [
  "sync-obs",
  "sync-status",
  "images",
  "image-tags",
  "modify-image",
  "delete-image",
  "delete-images",
  "tags",
  "tag-stats",
  "validation",
  "config",
  "config view",
  "config get-contexts",
  "config use-context",
  "config set-context",
];

describe("help and version", () => {
  test.each(COMMANDS)("%s --help: usage, examples, exit 0", async (command) => {
    const result = await cli([...command.split(" "), "--help"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(new RegExp(`^Usage: modelarts-annotations ${command} `));
    expect(result.stdout).toContain("Examples:\n  $ modelarts-annotations ");
  });

  test("the top-level help lists every command and the exit codes", async () => {
    const result = await cli(["--help"]);
    expect(result.code).toBe(0);
    for (const command of [...COMMANDS.filter((c) => !c.includes(" ")), "emulator"]) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(result.stdout).toContain("Exit codes:\n  0    success\n  1    the service said no");
  });

  test("--version prints the package version; no arguments prints help on stderr with exit 2", async () => {
    const { version } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
    expect(await cli(["--version"])).toMatchObject({ code: 0, stdout: `${version}\n` });
    const bare = await cli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe("");
    expect(bare.stderr).toContain("Usage: modelarts-annotations");
  });
});

/** Every module `entry` loads before any action runs: static, non-type imports, followed through our own files. */
function staticGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
    for (const statement of source.statements) {
      const isImport = ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly;
      const isReExport = ts.isExportDeclaration(statement) && !statement.isTypeOnly && statement.moduleSpecifier !== undefined;
      if (!isImport && !isReExport) continue;
      const specifier = ((statement as ts.ImportDeclaration | ts.ExportDeclaration).moduleSpecifier as ts.StringLiteral).text;
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      else packages.add(specifier);
    }
  };
  visit(join(REPO, "src/cli/main.ts"));
  return { files: [...files].map((file) => relative(REPO, file)).sort(), packages: [...packages].sort() };
}

test("before a command runs, only the command tree and commander are loaded", () => {
  const { files, packages } = staticGraph(join(REPO, "src/cli/main.ts"));
  expect(files).toEqual(["src/cli/exit-codes.ts", "src/cli/main.ts", "src/cli/program.ts", "src/cli/usage.ts"]);
  expect(packages).toEqual(["commander", "node:module"]);
});

test("the CLI is built on the package's public entry points only", () => {
  const sources = readdirSync(join(REPO, "src/cli"), { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".ts"));
  for (const name of sources) {
    const text = readFileSync(join(REPO, "src/cli", name), "utf8");
    const outside = [...text.matchAll(/(?:from|import\()\s*"(\.\.?\/[^"]+)"/g)]
      .map((match) => resolve(dirname(join(REPO, "src/cli", name)), match[1]!))
      .map((path) => relative(REPO, path))
      .filter((path) => !path.startsWith("src/cli/"));
    expect(outside.every((path) => ["src/index.node.js", "src/config/index.js", "src/emulator/index.js"].includes(path)), `${name} imports ${outside.join(", ")}`).toBe(true);
  }
});
