/**
 * README snippets as tests: every fenced `ts` and `sh` block of a Markdown file is extracted
 * and run exactly as written. An HTML comment on the line right before a fence changes that:
 *   <!-- not run: <reason> -->   the block is illustrative and cannot run locally (the reason says why);
 *   <!-- emulator -->            the block starts the emulator; it runs in the background and the
 *                                other blocks use the config file it prints.
 * TypeScript blocks are type-checked together under `strict` (each its own module) against the
 * compiled package, then each runs with node; shell blocks run in bash with `-e -o pipefail`,
 * with `modelarts-annotations` on PATH as the compiled CLI.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const REPO = path.resolve(import.meta.dirname, "../..");

export interface Snippet {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: "ts" | "sh";
  readonly code: string;
  /** Why it is not run, from a `<!-- not run: ... -->` marker. */
  readonly notRun?: string;
  readonly emulator?: boolean;
}

const LANGS: Record<string, Snippet["lang"]> = { ts: "ts", typescript: "ts", sh: "sh", bash: "sh", shell: "sh" };

export function extractSnippets(markdown: string): Snippet[] {
  const lines = markdown.split("\n");
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    let end = i + 1;
    while (end < lines.length && lines[end]!.trim() !== fence) end++;
    const body = lines.slice(i + 1, end).map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line));
    const lang = LANGS[info.toLowerCase()];
    if (lang !== undefined) {
      let previous = i - 1;
      while (previous >= 0 && lines[previous]!.trim() === "") previous--;
      const marker = previous >= 0 ? /^\s*<!--\s*(not run:\s*(.+?)|emulator)\s*-->\s*$/.exec(lines[previous]!) : null;
      snippets.push({
        line: i + 1,
        lang,
        code: `${body.join("\n")}\n`,
        ...(marker?.[2] !== undefined ? { notRun: marker[2] } : {}),
        ...(marker?.[1] === "emulator" ? { emulator: true } : {}),
      });
    }
    i = end;
  }
  return snippets;
}

export interface SnippetWorkspace {
  readonly dir: string;
  /** PATH with the compiled `modelarts-annotations` first. */
  readonly path: string;
}

/**
 * A folder where `modelarts-data-annotations` resolves to the compiled package (out/lib of
 * this run's compile, as the package's exports name it) and `modelarts-annotations` runs the compiled CLI.
 */
export async function snippetWorkspace(compiledDir: string): Promise<SnippetWorkspace> {
  const dir = await mkdtemp(path.join(tmpdir(), "readme-snippets-"));
  const pkg = path.join(dir, "node_modules/modelarts-data-annotations");
  await mkdir(path.join(pkg, "out"), { recursive: true });
  await copyFile(path.join(REPO, "package.json"), path.join(pkg, "package.json"));
  await symlink(compiledDir, path.join(pkg, "out/lib"), "dir");
  await symlink(path.join(REPO, "generated"), path.join(pkg, "generated"), "dir");
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ name: "readme-snippets", private: true, type: "module" }));
  const bin = path.join(dir, "bin");
  await mkdir(bin);
  await writeFile(path.join(bin, "modelarts-annotations"), `#!/bin/sh\nexec "${process.execPath}" "${path.join(pkg, "out/lib/src/cli/main.cjs")}" "$@"\n`);
  await chmod(path.join(bin, "modelarts-annotations"), 0o755);
  return { dir, path: `${bin}${path.delimiter}${process.env.PATH ?? ""}` };
}

function label(snippet: Snippet): string {
  return `README snippet at line ${snippet.line} (${snippet.lang})`;
}

/** Type-checks the TypeScript snippets together under strict; throws naming each snippet's errors. Returns the compiled file of each. */
export async function compileTsSnippets(workspace: SnippetWorkspace, snippets: readonly Snippet[]): Promise<Map<Snippet, string>> {
  const src = path.join(workspace.dir, "src");
  await mkdir(src, { recursive: true });
  const files = new Map<Snippet, string>();
  for (const snippet of snippets) {
    const name = `line-${snippet.line}`;
    await writeFile(path.join(src, `${name}.ts`), snippet.code);
    files.set(snippet, path.join(workspace.dir, "dist", `${name}.js`));
  }
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "node16",
      moduleResolution: "node16",
      moduleDetection: "force",
      lib: ["ES2022", "DOM", "DOM.Iterable"],
      strict: true,
      skipLibCheck: true,
      outDir: "dist",
      rootDir: "src",
      typeRoots: [path.join(REPO, "node_modules/@types")],
      types: ["node"],
    },
    include: ["src"],
  };
  await writeFile(path.join(workspace.dir, "tsconfig.json"), JSON.stringify(tsconfig));
  try {
    await run(process.execPath, [path.join(REPO, "node_modules/typescript/bin/tsc"), "-p", workspace.dir], { cwd: workspace.dir });
  } catch (error) {
    const output = String((error as { stdout?: string }).stdout ?? error);
    throw new Error(output.replace(/src\/line-(\d+)\.ts\((\d+),(\d+)\)/g, (_, line: string, row: string) => `README.md:${Number(line) + Number(row)}`));
  }
  return files;
}

export interface SnippetRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function exec(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<SnippetRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs one snippet from the repository root, as a reader of the README in a fresh clone would. */
export async function runSnippet(snippet: Snippet, compiled: Map<Snippet, string>, env: NodeJS.ProcessEnv): Promise<SnippetRun> {
  if (snippet.lang === "ts") {
    const file = compiled.get(snippet);
    if (file === undefined) throw new Error(`${label(snippet)} was not compiled`);
    return exec(process.execPath, [file], { cwd: REPO, env, timeoutMs: 60_000 });
  }
  return exec("bash", ["-e", "-o", "pipefail", "-c", snippet.code], { cwd: REPO, env, timeoutMs: 60_000 });
}

/** Starts an `<!-- emulator -->` snippet in the background and resolves with the config file it prints. */
export function startEmulatorSnippet(snippet: Snippet, env: NodeJS.ProcessEnv): Promise<{ configFile: string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    // Its own process group, so that stopping it reaches npm's children too.
    const child: ChildProcess = spawn("bash", ["-e", "-c", snippet.code], { cwd: REPO, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("close", () => done());
        process.kill(-child.pid!, "SIGTERM");
      });
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${label(snippet)} printed no config file within 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /export MODELARTS_CONFIG=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ configFile: match[1]!, stop });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`${label(snippet)} exited (${code}) before printing a config file:\n${output}`));
    });
  });
}

/** The environment of a user's shell: without the npm_* settings of the `npm test` that runs us. */
export function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && !/^MODELARTS_|^HUAWEICLOUD_/.test(key)));
  return { ...env, NO_UPDATE_NOTIFIER: "1", ...extra };
}
