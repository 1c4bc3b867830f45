/**
 * Temporary copies of this repository with a git history, for running `npm run review` on a
 * spec edit the way a pull request makes one: the base is the copy's first commit, the edit is
 * committed on top (or left in the working tree).
 *
 * node_modules is a symlink to the real one, and out/tools and out/cache are symlinks to the real
 * repository's, so the pinned oasdiff is built once and the per-spec surfaces (TypeScript
 * helpers, Python client) of the unchanged base are computed once for all copies.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const GIT_ENV = {
  GIT_AUTHOR_NAME: "review-fixture",
  GIT_AUTHOR_EMAIL: "review-fixture@example.invalid",
  GIT_COMMITTER_NAME: "review-fixture",
  GIT_COMMITTER_EMAIL: "review-fixture@example.invalid",
};

export function git(repo: string, args: string[]): string {
  return execFileSync("git", args, { cwd: repo, env: { ...process.env, ...GIT_ENV }, encoding: "utf8" }).trim();
}

/** A copy of the repository's files (tracked and not ignored) with one commit, "base", on main. */
export function copyRepository(): string {
  const repo = mkdtempSync(join(tmpdir(), "review-fixture-"));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    try {
      cpSync(join(ROOT, file), join(repo, file));
    } catch (err) {
      // A tracked file deleted in the working tree is not part of the copy.
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"));
  mkdirSync(join(ROOT, "out", "tools"), { recursive: true });
  mkdirSync(join(ROOT, "out", "cache"), { recursive: true });
  mkdirSync(join(repo, "out"));
  symlinkSync(join(ROOT, "out", "tools"), join(repo, "out", "tools"));
  symlinkSync(join(ROOT, "out", "cache"), join(repo, "out", "cache"));
  git(repo, ["init", "-q", "-b", "main"]);
  git(repo, ["add", "-A"]);
  git(repo, ["commit", "-q", "-m", "base"]);
  return repo;
}

export function removeRepository(repo: string): void {
  rmSync(repo, { recursive: true, force: true });
}

/** Edit a YAML file of the copy in place (comments and layout kept), through the yaml Document API. */
export function editYaml(repo: string, file: string, edit: (doc: ReturnType<typeof parseDocument>) => void): void {
  const full = join(repo, file);
  const doc = parseDocument(readFileSync(full, "utf8"));
  edit(doc);
  writeFileSync(full, doc.toString({ lineWidth: 0 }));
}

export function writeFile(repo: string, file: string, text: string): void {
  mkdirSync(dirname(join(repo, file)), { recursive: true });
  writeFileSync(join(repo, file), text);
}

export function commitAll(repo: string, message: string): void {
  git(repo, ["add", "-A"]);
  git(repo, ["commit", "-q", "--allow-empty", "-m", message]);
}

export interface ReviewRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** out/review/report.md of the copy. */
  report: string;
}

/** `npm run review -- <args>` in the copy, as a shell runs it. */
export function runReview(repo: string, args: string[]): Promise<ReviewRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "-s", "review", "--", ...args], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      let report = "";
      try {
        report = readFileSync(join(repo, "out", "review", "report.md"), "utf8");
      } catch {
        // No report: the run failed before writing it; the test reads stderr.
      }
      resolve({ code, stdout, stderr, report });
    });
  });
}
