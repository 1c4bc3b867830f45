/**
 * Vitest global setup: compiles src/ with the build config into a folder of this run's own
 * under out/ (laid out like out/lib), so that the tests of the compiled package and of the CLI
 * run the JavaScript users get. A child process on compiled code also starts in a fraction of
 * the time one with a TypeScript loader takes, which matters for the hundred-odd CLI runs.
 *
 * The folder is handed to the tests with `provide` (read it with `compiledDir()`); in watch
 * mode it is compiled again before each rerun, so the CLI tests never run stale code, and two
 * runs at once do not delete each other's output.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    compiledDir: string;
  }
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

async function compile(outDir: string): Promise<void> {
  await promisify(execFile)(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", outDir], { cwd: ROOT });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Inside the package (out/ is git-ignored), so the compiled code's self-references by package name resolve as in an installed copy.
  await mkdir(join(ROOT, "out"), { recursive: true });
  const outDir = await mkdtemp(join(ROOT, "out", "test-lib-"));
  await compile(outDir);
  project.provide("compiledDir", outDir);
  project.onTestsRerun(() => compile(outDir));
  return () => rm(outDir, { recursive: true, force: true });
}

/** In a test: the folder this run's compiled package is in. */
export function compiledDir(): string {
  return inject("compiledDir");
}
