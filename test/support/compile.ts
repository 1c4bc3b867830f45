/**
 * Vitest global setup: builds the package's JavaScript with the build itself
 * (scripts/build.mjs: esbuild, precomputed CLI answers) into a folder of this run's own under
 * out/ (laid out like out/lib), so that the tests of the compiled package and of the CLI run
 * the JavaScript users get. A child process on built code also starts in a fraction of the
 * time one with a TypeScript loader takes, which matters for the hundred-odd CLI runs.
 *
 * Declarations take tsc most of the build's time and only tests that type-check against the
 * built package need them: those call `compiledDeclarations()` first, and the first caller of
 * the run writes them.
 *
 * The folder is handed to the tests with `provide` (read it with `compiledDir()`); in watch
 * mode it is built again before each rerun, so the CLI tests never run stale code, and two
 * runs at once do not delete each other's output.
 */
import { access, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import type { TestProject } from "vitest/node";
import { buildJavaScript, emitDeclarations } from "../../scripts/build.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    compiledDir: string;
  }
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Inside the package (out/ is git-ignored), so the compiled code's self-references by package name resolve as in an installed copy.
  await mkdir(join(ROOT, "out"), { recursive: true });
  const outDir = await mkdtemp(join(ROOT, "out", "test-lib-"));
  await buildJavaScript(outDir);
  project.provide("compiledDir", outDir);
  project.onTestsRerun(async () => {
    await rm(join(outDir, DECLARATIONS_DONE), { force: true });
    await buildJavaScript(outDir);
  });
  return () => rm(outDir, { recursive: true, force: true });
}

/** In a test: the folder this run's compiled package is in. */
export function compiledDir(): string {
  return inject("compiledDir");
}

const DECLARATIONS_LOCK = ".declarations-lock";
const DECLARATIONS_DONE = ".declarations-done";

/**
 * In a test: resolves once the compiled package has its .d.ts files. Test files run in several
 * workers at once, so the first to ask writes them under a lock (a directory, created
 * atomically) and the others wait for its mark.
 */
export async function compiledDeclarations(): Promise<void> {
  const outDir = compiledDir();
  const done = join(outDir, DECLARATIONS_DONE);
  for (;;) {
    if (await exists(done)) return;
    const locked = await mkdir(join(outDir, DECLARATIONS_LOCK)).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === "EEXIST") return false;
        throw error;
      },
    );
    if (locked) {
      try {
        await emitDeclarations(outDir);
        await writeFile(done, "");
      } finally {
        await rm(join(outDir, DECLARATIONS_LOCK), { recursive: true, force: true });
      }
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
