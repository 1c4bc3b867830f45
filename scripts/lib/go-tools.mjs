// Install pinned Go command-line tools into a project-local folder, built from source with the
// machine's Go toolchain from the Go module proxy: no prebuilt binary is downloaded from anywhere.
//
// Each tool is pinned by module version AND by the module's `h1:` hash (the hash go.sum and the
// checksum database record for the module's zip). ensureGoTool(name):
//   1. reuse <toolsBin>/<name> when the binary's embedded build info (`go version -m`) names the
//      pinned module, version and h1: hash, so a second run costs one `go version -m` call;
//   2. else `go mod download -json <module>@<version>`: the go command checks the zip against the
//      checksum database (GOSUMDB, reached through GOPROXY here) and we check the `Sum` it reports
//      against our pin, so a tampered proxy or a re-tagged version fails even with GOSUMDB=off;
//   3. `GOBIN=<toolsBin> go install <package>@<version>`: the dependencies are checked against the
//      tool's own go.sum (the go command refuses a missing or mismatching entry);
//   4. check the new binary's build info as in 1.
//
// GOTOOLCHAIN=local: a tool whose go.mod asks for a newer Go fails instead of fetching a toolchain.
// GOFLAGS is -buildvcs=false only: `go install pkg@version` resolves the dependencies from the pinned
// module's own go.mod and go.sum whatever -mod says, so -mod=mod would change nothing. GOSUMDB stays
// at its default: the checksum database is reached through the module proxy here.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The default install folder: git-ignored (out/), shared by every worktree run of the same checkout. */
export const DEFAULT_TOOLS_BIN = path.join(REPO_ROOT, "out", "tools", "bin");

/**
 * Pinned tools. `sum` is the module zip's h1: hash as in go.sum / the checksum database
 * (`go mod download -json <module>@<version>` prints it as "Sum").
 */
export const GO_TOOLS = Object.freeze({
  oasdiff: Object.freeze({
    module: "github.com/oasdiff/oasdiff",
    package: "github.com/oasdiff/oasdiff",
    version: "v1.37.0",
    sum: "h1:4/KuuhVDHF7ltTYNPRvdn9IIbcPRvGRTdJxBErbD5pQ=",
  }),
  actionlint: Object.freeze({
    module: "github.com/rhysd/actionlint",
    package: "github.com/rhysd/actionlint/cmd/actionlint",
    version: "v1.7.12",
    sum: "h1:vQ4GeJN86C0QH+gTUQcs8McmK62OLT3kmakPMtEWYnY=",
  }),
});

export class GoToolError extends Error {}

function goEnv(extra = {}) {
  const env = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-buildvcs=false", ...extra };
  // The module mode must not pick up a go.work or vendor folder of whatever directory we run in.
  env.GOWORK = "off";
  return env;
}

function go(args, { env, cwd }) {
  const r = spawnSync("go", args, { env, cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) {
    throw new GoToolError(
      r.error.code === "ENOENT" ? "the Go toolchain (`go`) is not on PATH; it is needed to build the pinned tools" : `go ${args.join(" ")}: ${r.error.message}`,
    );
  }
  return r;
}

/** The main module path, version and sum recorded in a Go binary, or undefined if unreadable. */
export function readBuildInfo(binary) {
  if (!fs.existsSync(binary)) return undefined;
  const r = go(["version", "-m", binary], { env: goEnv(), cwd: path.dirname(binary) });
  if (r.status !== 0) return undefined;
  const line = r.stdout.split("\n").find((l) => /^\s*mod\s/.test(l));
  if (!line) return undefined;
  const [, module, version, sum] = line.trim().split(/\s+/);
  return { module, version, sum };
}

function matchesPin(info, pin) {
  return info !== undefined && info.module === pin.module && info.version === pin.version && info.sum === pin.sum;
}

/**
 * Return the absolute path of the pinned tool `name` (a key of GO_TOOLS), building it on first
 * use. Throws GoToolError naming the check that failed.
 */
export function ensureGoTool(name, { toolsBin = DEFAULT_TOOLS_BIN, log = () => {}, pins = GO_TOOLS } = {}) {
  const pin = pins[name];
  if (!pin) throw new GoToolError(`no pinned Go tool named ${JSON.stringify(name)} (known: ${Object.keys(pins).join(", ")})`);
  const binary = path.join(toolsBin, path.basename(pin.package));
  if (matchesPin(readBuildInfo(binary), pin)) return binary;

  fs.mkdirSync(toolsBin, { recursive: true });
  // A scratch folder as cwd, so no go.mod of the project (or a parent) is in play.
  const scratch = fs.mkdtempSync(path.join(path.dirname(toolsBin), ".go-"));
  try {
    const env = goEnv({ GOBIN: toolsBin });
    const ref = `${pin.module}@${pin.version}`;
    log(`${name}: downloading ${ref} from the Go module proxy`);
    const dl = go(["mod", "download", "-json", ref], { env, cwd: scratch });
    let meta;
    try {
      meta = JSON.parse(dl.stdout);
    } catch {
      throw new GoToolError(`go mod download ${ref} failed: ${(dl.stderr || dl.stdout).trim()}`);
    }
    if (dl.status !== 0 || meta.Error) throw new GoToolError(`go mod download ${ref} failed: ${meta.Error ?? dl.stderr.trim()}`);
    if (meta.Sum !== pin.sum) {
      throw new GoToolError(`${ref}: module hash ${meta.Sum} does not match the pinned ${pin.sum}; refusing to build it`);
    }
    log(`${name}: ${ref} ${meta.Sum} matches the pin; building into ${toolsBin}`);
    const inst = go(["install", `${pin.package}@${pin.version}`], { env, cwd: scratch });
    if (inst.status !== 0) throw new GoToolError(`go install ${pin.package}@${pin.version} failed:\n${inst.stderr.trim()}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const info = readBuildInfo(binary);
  if (!matchesPin(info, pin)) {
    fs.rmSync(binary, { force: true });
    throw new GoToolError(
      `${binary} was built, but its build info says ${info ? `${info.module} ${info.version} ${info.sum}` : "nothing"}, not ${pin.module} ${pin.version} ${pin.sum}`,
    );
  }
  return binary;
}

// `node scripts/lib/go-tools.mjs [name...]`: install (or confirm) the named tools, or all of them.
if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  try {
    for (const name of names.length ? names : Object.keys(GO_TOOLS)) {
      const bin = ensureGoTool(name, { log: (l) => console.error(l) });
      console.log(`${name} ${GO_TOOLS[name].version}: ${bin}`);
    }
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
