/**
 * Vitest global setup: compiles src/ once per run with the build config, into out/test-lib
 * (laid out like out/lib), so that the tests of the compiled package and of the CLI run the
 * JavaScript users get. A child process on compiled code also starts in a fraction of the time
 * one with a TypeScript loader takes, which matters for the hundred-odd CLI runs.
 */
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Inside the package (out/ is git-ignored), so the compiled code's self-references by package name resolve as in an installed copy. */
export const COMPILED_DIR = join(ROOT, "out", "test-lib");

export default async function compile(): Promise<void> {
  await rm(COMPILED_DIR, { recursive: true, force: true });
  await promisify(execFile)(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", COMPILED_DIR], { cwd: ROOT });
}
