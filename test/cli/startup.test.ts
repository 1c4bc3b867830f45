/**
 * Help, version and start-up: `--help` on every command answers with examples and exit 0,
 * and the modules loaded before a command runs never reach the client or the emulator, so
 * help and typos answer at once however large those grow. The top-level help and the version
 * are printed from the build's precomputed answers, which must be byte for byte what the full
 * program prints at the same width, and are used only at that width.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { compiledDir } from "../support/compile.js";
import { cli, REPO, type CliRun } from "./run.js";

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
  "call",
  "call query_validation",
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
  visit(entry);
  return { files: [...files].map((file) => relative(REPO, file)).sort(), packages: [...packages].sort() };
}

test("the bin loads only its exit codes before it knows whether the answer is precomputed", () => {
  const { files, packages } = staticGraph(join(REPO, "src/cli/main.ts"));
  expect(files).toEqual(["src/cli/exit-codes.ts", "src/cli/main.ts"]);
  expect(packages).toEqual(["node:fs", "node:path"]);
  // Built as CommonJS, with the exit codes inlined: a precomputed answer starts no ES module loader and reads one file.
  const built = readFileSync(join(compiledDir(), "src/cli/main.cjs"), "utf8");
  expect(built).not.toMatch(/^\s*(import|export)\s/m);
  expect([...built.matchAll(/\b(?:require|import)\("([^"]+)"\)/g)].map((match) => match[1])).toEqual(["node:fs", "node:path", "./run.js"]);
});

test("a precomputed answer on a pipe starts no stream: stdout is written to its file descriptor", async () => {
  // process.stdout (or node:tty) would load Node's stream and net modules, which cost as much as the rest of the answer.
  const dir = await mkdtemp(join(tmpdir(), "bin-probe-"));
  try {
    const probe = join(dir, "probe.cjs");
    await import("node:fs/promises").then((fs) =>
      fs.writeFile(probe, `process.on("exit", () => require("node:fs").writeSync(2, JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (net|stream|tty)$/.test(m)))));\n`),
    );
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--require", probe, join(compiledDir(), "src/cli/main.cjs"), "--help"]);
    const answers = JSON.parse(readFileSync(join(compiledDir(), "src/cli/precomputed.json"), "utf8")) as { stdout: Record<string, string> };
    expect(stdout).toBe(answers.stdout["--help"]);
    expect(JSON.parse(stderr)).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("before a command runs, only the command tree, the version and commander are loaded", () => {
  const { files, packages } = staticGraph(join(REPO, "src/cli/run.ts"));
  expect(files).toEqual(["generated/version.ts", "src/cli/exit-codes.ts", "src/cli/program.ts", "src/cli/run.ts", "src/cli/usage.ts"]);
  expect(packages).toEqual(["commander"]);
});

test("the CLI is built on the package's public entry points only", () => {
  const sources = readdirSync(join(REPO, "src/cli"), { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".ts"));
  for (const name of sources) {
    const text = readFileSync(join(REPO, "src/cli", name), "utf8");
    const outside = [...text.matchAll(/(?:from|import\()\s*"(\.\.?\/[^"]+)"/g)]
      .map((match) => resolve(dirname(join(REPO, "src/cli", name)), match[1]!))
      .map((path) => relative(REPO, path))
      .filter((path) => !path.startsWith("src/cli/"));
    // generated/version.js is two constants, which the built CLI may carry a copy of.
    const allowed = ["src/index.node.js", "src/config/index.js", "src/emulator/index.js", "generated/version.js"];
    expect(outside.every((path) => allowed.includes(path)), `${name} imports ${outside.join(", ")}`).toBe(true);
  }
});

describe("precomputed answers (src/cli/main.ts, scripts/build.mjs)", () => {
  const execFileAsync = promisify(execFile);
  let answers: { helpWidth: number; stdout: Record<string, string> };
  /** The built package without precomputed.json: the full program for every command line. */
  let fullProgram: string;
  /** The built package where no node_modules can be found: commander cannot load there. */
  let isolated: string;

  /** Runs a bin with only PATH inherited; on a terminal of `columns` columns (through script(1)) when given. */
  async function runBin(bin: string, args: readonly string[], columns?: number): Promise<CliRun> {
    const env = { PATH: process.env.PATH ?? "" };
    const quoted = [process.execPath, bin, ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" ");
    const [command, argv] = columns === undefined ? [process.execPath, [bin, ...args]] : ["script", ["-qec", `stty cols ${columns}; ${quoted}`, "/dev/null"]];
    return execFileAsync(command as string, argv as string[], { cwd: REPO, env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  }

  beforeAll(async () => {
    answers = JSON.parse(readFileSync(join(compiledDir(), "src/cli/precomputed.json"), "utf8"));
    // Inside the repository, so that commander and yaml resolve from its node_modules as for the built package.
    fullProgram = await mkdtemp(join(REPO, "out", "test-full-program-"));
    await cp(compiledDir(), fullProgram, { recursive: true });
    await rm(join(fullProgram, "src/cli/precomputed.json"));
    isolated = await mkdtemp(join(tmpdir(), "cli-without-node-modules-"));
    await cp(compiledDir(), isolated, { recursive: true });
  });

  afterAll(async () => {
    await rm(fullProgram, { recursive: true, force: true });
    await rm(isolated, { recursive: true, force: true });
  });

  test("covers the top-level help and the version, wrapped to 80 columns", () => {
    expect(Object.keys(answers.stdout).sort()).toEqual(["--help", "--version", "-V", "-h", "help"]);
    expect(answers.helpWidth).toBe(80);
  });

  test("each is byte for byte what the full program prints for the same argument, stdout not a terminal", async () => {
    for (const [arg, text] of Object.entries(answers.stdout)) {
      const full = await runBin(join(fullProgram, "src/cli/main.cjs"), [arg]);
      expect(full, arg).toEqual({ code: 0, stdout: text, stderr: "" });
      expect(await cli([arg]), arg).toEqual({ code: 0, stdout: text, stderr: "" });
    }
  });

  test("they are printed without loading the program: the bin answers where commander cannot be found, and nothing else does", async () => {
    const bin = join(isolated, "src/cli/main.cjs");
    for (const [arg, text] of Object.entries(answers.stdout)) expect(await runBin(bin, [arg]), arg).toEqual({ code: 0, stdout: text, stderr: "" });
    // The same copy cannot run the program itself: the answers above did not come from it.
    const help = await runBin(bin, ["images", "--help"]);
    expect(help.code).toBe(70);
    expect(help.stderr).toMatch(/^error: Cannot find package 'commander'/);
  });

  test("on a terminal they are used only at the width they were made for; at another the full program wraps to it", async () => {
    const bin = join(isolated, "src/cli/main.cjs");
    const at80 = await runBin(bin, ["--help"], 80);
    expect(at80.code).toBe(0);
    // A terminal turns each "\n" into "\r\n".
    expect(at80.stdout.replaceAll("\r\n", "\n")).toBe(answers.stdout["--help"]);
    expect((await runBin(bin, ["--help"], 120)).code).toBe(70);
    const wide = await runBin(join(fullProgram, "src/cli/main.cjs"), ["--help"], 120);
    expect(wide.code).toBe(0);
    expect(wide.stdout.replaceAll("\r\n", "\n")).not.toBe(answers.stdout["--help"]);
    expect(Math.max(...wide.stdout.split(/\r?\n/).map((line) => line.length))).toBeGreaterThan(80);
  });

  test("the version is not wrapped, so it is printed at any width without the program", async () => {
    const bin = join(isolated, "src/cli/main.cjs");
    for (const arg of ["--version", "-V"]) {
      const wide = await runBin(bin, [arg], 120);
      expect(wide.code, arg).toBe(0);
      expect(wide.stdout.replaceAll("\r\n", "\n"), arg).toBe(answers.stdout[arg]);
    }
  });
});
