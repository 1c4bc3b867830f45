// The Python environment the regenerated client is tested in: a venv under
// node_modules/.cache/regen-python/, made with `python3 -m venv` and filled by pip from PyPI
// with the exact pins of regen/python/requirements-test.txt. It is keyed by the SHA-256 of
// that file and the interpreter's version, so it is built once and reused until either changes.
//
//   node scripts/lib/python-venv.mjs        -> prints the venv's python path (builds it if needed)

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const REQUIREMENTS = path.join(ROOT, "regen", "python", "requirements-test.txt");
const CACHE = path.join(ROOT, "node_modules", ".cache", "regen-python");

export class PythonEnvError extends Error {}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw new PythonEnvError(`cannot run ${cmd}: ${r.error.message}`);
  return r;
}

/** Path of the venv's python, after creating and filling the venv if this key has none yet. */
export function ensurePythonVenv({ log = (m) => console.error(m), python = process.env.PYTHON ?? "python3" } = {}) {
  const version = run(python, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"]);
  if (version.status !== 0) throw new PythonEnvError(`${python} does not run: ${version.stderr.trim()}`);
  const pins = fs.readFileSync(REQUIREMENTS);
  const key = createHash("sha256").update(pins).update(version.stdout.trim()).digest("hex").slice(0, 16);
  const dir = path.join(CACHE, `venv-${key}`);
  const bin = path.join(dir, process.platform === "win32" ? "Scripts" : "bin", "python");
  // The marker is written last: a venv whose install broke off is rebuilt, not trusted.
  const marker = path.join(dir, ".complete");
  if (fs.existsSync(marker)) return bin;

  // Test files run in parallel and may all ask at once on a fresh machine: one builds, under a
  // lock (mkdir is atomic), the others wait for its marker.
  fs.mkdirSync(CACHE, { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
    }
    if (fs.existsSync(marker)) return bin;
    // A lock older than the longest build is left over from a killed run.
    if (Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 10 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
    if (Date.now() > deadline) throw new PythonEnvError(`timed out waiting for another process to build ${path.relative(ROOT, dir)}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  try {
    if (fs.existsSync(marker)) return bin;
    return buildVenv({ python, version: version.stdout.trim(), dir, bin, marker, log });
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function buildVenv({ python, version, dir, bin, marker, log }) {
  log(`python venv: creating ${path.relative(ROOT, dir)} (python ${version}, pins of ${path.relative(ROOT, REQUIREMENTS)})`);
  fs.rmSync(dir, { recursive: true, force: true });
  const venv = run(python, ["-m", "venv", dir]);
  if (venv.status !== 0) throw new PythonEnvError(`python3 -m venv failed: ${venv.stderr.trim()}`);
  const started = Date.now();
  const pip = run(bin, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", "-r", REQUIREMENTS]);
  if (pip.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new PythonEnvError(`pip install -r ${path.relative(ROOT, REQUIREMENTS)} failed:\n${(pip.stdout + pip.stderr).trim().split("\n").slice(-20).join("\n")}`);
  }
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  log(`python venv: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // Older venvs of other keys are stale: keep only this one.
  for (const name of fs.readdirSync(CACHE)) {
    if (name.startsWith("venv-") && !name.startsWith(path.basename(dir))) fs.rmSync(path.join(CACHE, name), { recursive: true, force: true });
  }
  return bin;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensurePythonVenv());
  } catch (err) {
    console.error(`python-venv: ${err.message}`);
    process.exit(1);
  }
}
