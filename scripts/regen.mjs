#!/usr/bin/env node
// Regenerate clients for other languages from generated/openapi.json with openapi-generator.
//
//   npm run regen -- python [go java]        (or: node scripts/regen.mjs all)
//
// Each client then gets its overlay from regen/overlays/<lang>/ (AK/SK signing; for Python the
// legacy SDK's `modelarts` package): see applyOverlay below.
//
// Options:
//   --spec <file>   spec to generate from        (default: generated/openapi.json)
//   --out <dir>     parent folder of the clients (default: out/clients; each language -> <out>/<lang>/)
//   --verify        also check the output: python compiles (and imports when its deps are
//                   installed), `go build ./...`, `mvn compile`; a missing toolchain is skipped
//   --strict        fail when the generator prints warnings about the spec
//   --verbose       stream the generator's full output (always written to <out>/.logs/<lang>.log)
//
// The generator version and the jar location are pinned in openapitools.json, the jar's
// SHA-256 in scripts/lib/generator-jar.mjs; the jar is fetched once, checked, and reused.

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureGeneratorJar, JarError, REPO_ROOT } from "./lib/generator-jar.mjs";

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
const CLIENT_VERSION = pkg.version;

// Names of the generated clients. The Go module path and the Java coordinates are
// placeholders until the project has a real home for these clients.
const GO_MODULE = { gitHost: "example.com", gitUserId: "modelarts-data-annotations", gitRepoId: "modelarts-go" };
const JAVA_BASE_PACKAGE = "com.example.modelarts.annotations";

/** Per-language generator settings. */
const LANGUAGES = {
  python: {
    generator: "python",
    props: {
      packageName: "modelarts_data_annotations",
      projectName: "modelarts-data-annotations",
      packageVersion: CLIENT_VERSION,
      library: "urllib3",
    },
    describe: () => "package modelarts_data_annotations, overlay package modelarts",
  },
  go: {
    generator: "go",
    props: {
      packageName: "modelarts",
      packageVersion: CLIENT_VERSION,
      // Go enum constants share the package namespace: prefix them to avoid clashes.
      enumClassPrefix: "true",
      withGoMod: "true",
    },
    extraArgs: ["--git-host", GO_MODULE.gitHost, "--git-user-id", GO_MODULE.gitUserId, "--git-repo-id", GO_MODULE.gitRepoId],
    describe: () => `module ${GO_MODULE.gitHost}/${GO_MODULE.gitUserId}/${GO_MODULE.gitRepoId}, package modelarts`,
  },
  java: {
    generator: "java",
    props: {
      // java.net.http (JDK 11+) + Jackson: no third-party HTTP stack.
      library: "native",
      groupId: "com.example.modelarts",
      artifactId: "modelarts-data-annotations",
      artifactVersion: CLIENT_VERSION,
      invokerPackage: JAVA_BASE_PACKAGE,
      apiPackage: `${JAVA_BASE_PACKAGE}.api`,
      modelPackage: `${JAVA_BASE_PACKAGE}.model`,
      useJakartaEe: "true",
      hideGenerationTimestamp: "true",
    },
    describe: () => `com.example.modelarts:modelarts-data-annotations:${CLIENT_VERSION}, package ${JAVA_BASE_PACKAGE}`,
  },
};

class RegenError extends Error {}

const USAGE = `usage: node scripts/regen.mjs <${Object.keys(LANGUAGES).join("|")}|all> [...more] [--spec FILE] [--out DIR] [--verify] [--strict] [--verbose]`;

function parseCli(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        spec: { type: "string" },
        out: { type: "string" },
        verify: { type: "boolean", default: false },
        strict: { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    throw new RegenError(`${err.message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const langs = [];
  for (const p of positionals) {
    const names = p === "all" ? Object.keys(LANGUAGES) : p.split(",").filter(Boolean);
    for (const n of names) {
      if (!(n in LANGUAGES)) throw new RegenError(`unknown language "${n}"\n${USAGE}`);
      if (!langs.includes(n)) langs.push(n);
    }
  }
  if (langs.length === 0) throw new RegenError(`no language given\n${USAGE}`);
  return {
    langs,
    spec: path.resolve(values.spec ?? path.join(REPO_ROOT, "generated", "openapi.json")),
    outRoot: path.resolve(values.out ?? path.join(REPO_ROOT, "out", "clients")),
    verify: values.verify,
    strict: values.strict,
    verbose: values.verbose,
  };
}

const rel = (p) => {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
};

/** Run a command, capture output (optionally echoing it), resolve { code, out }. */
function run(cmd, args, { cwd = REPO_ROOT, env = process.env, echo = false, timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const onData = (stream) => (chunk) => {
      out += chunk;
      if (echo) stream.write(chunk);
    };
    child.stdout.on("data", onData(process.stdout));
    child.stderr.on("data", onData(process.stderr));
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), signal, out });
    });
  });
}

// Generator-internal warnings, not spec defects: ModelUtils.getSimpleRef(null) is logged
// when the generator asks an inline (non-$ref) schema for its name. python prints it for
// any spec, even one with no schemas; go and java print it for valid constructs such as a
// top-level array schema or an inline member of a oneOf. Listed apart in the summary
// and not counted by --strict.
const GENERATOR_NOISE = new Set(["Failed to get the schema name: null"]);

// Warnings about the spec that follow from a deliberate choice, listed with the reason and not
// counted by --strict. AkSkSignature is an HTTP scheme ("SDK-HMAC-SHA256") that no generator
// knows, on purpose: generators then emit no fixed-value setting for it, and the overlays sign.
const EXPECTED_SPEC_NOTES = new Map([
  ["Unknown scheme `SDK-HMAC-SHA256` found in the HTTP security definition.", "AkSkSignature is signed by the overlays"],
]);

const WARN_RE = /^\[[^\]]*\]\s+WARN\s+(?:\S+\s+-\s+)?(.*)$/;
const ERROR_RE = /^\[[^\]]*\]\s+ERROR\s+(?:\S+\s+-\s+)?(.*)$/;

function scanLog(text) {
  const warnings = new Set();
  const errors = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m;
    if ((m = WARN_RE.exec(line))) warnings.add(m[1].trim());
    else if ((m = ERROR_RE.exec(line))) errors.push(m[1].trim());
    else if (/^Exception in thread|^\S+Exception: /.test(line)) {
      // e.g. SpecValidationException: keep the message and its indented details, not the stack.
      const block = [line];
      for (let j = i + 1; j < lines.length && !/^\s+at /.test(lines[j]); j++) if (lines[j].trim()) block.push(lines[j]);
      errors.push(block.join("\n"));
    }
  }
  return { warnings: [...warnings], errors };
}

async function validateSpec(jar, spec, log) {
  const { code, out } = await run("java", ["-jar", jar, "validate", "-i", spec, "--recommend"]);
  const body = out
    .split(/\r?\n/)
    .filter((l) => l.trim() && !/^Validating spec/.test(l))
    .join("\n");
  if (code !== 0) throw new RegenError(`the spec ${rel(spec)} does not validate:\n${body}`);
  // "No validation issues detected." or a list of warnings/recommendations.
  const clean = /^No validation issues detected\.?$/.test(body.trim());
  if (!clean) log(`spec validation notes:\n${body.replace(/^/gm, "  ")}`);
  return clean ? [] : body.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^(Warnings|Recommendations):?$/.test(l));
}

/**
 * Move the finished folder `src` to `target`, replacing what was there. The old target is
 * moved aside first and only deleted once `src` is in place; if the move fails it is put back.
 */
function replaceDir(src, target) {
  const old = path.join(path.dirname(target), `.old-${path.basename(target)}-${process.pid}`);
  fs.rmSync(old, { recursive: true, force: true });
  const hadOld = fs.existsSync(target);
  if (hadOld) fs.renameSync(target, old);
  try {
    fs.renameSync(src, target);
  } catch (err) {
    if (hadOld) fs.renameSync(old, target);
    fs.rmSync(src, { recursive: true, force: true });
    throw new RegenError(`cannot move the generated client into ${rel(target)}: ${err.message}`);
  }
  fs.rmSync(old, { recursive: true, force: true });
}

async function generate(lang, { jar, spec, outRoot, verbose }) {
  const cfg = LANGUAGES[lang];
  const target = path.join(outRoot, lang);
  const tmp = path.join(outRoot, `.tmp-${lang}-${process.pid}`);
  const logDir = path.join(outRoot, ".logs");
  fs.mkdirSync(logDir, { recursive: true });
  // Generate into a temporary folder; the previous client stays in place until the new
  // one is complete (see replaceDir), so a failed run leaves it untouched.
  fs.rmSync(tmp, { recursive: true, force: true });

  const props = Object.entries(cfg.props).map(([k, v]) => `${k}=${v}`).join(",");
  const args = ["-jar", jar, "generate", "-g", cfg.generator, "-i", spec, "-o", tmp, "--additional-properties", props, ...(cfg.extraArgs ?? [])];
  const started = Date.now();
  const { code, signal, out } = await run("java", args, { echo: verbose });
  const seconds = (Date.now() - started) / 1000;
  const logFile = path.join(logDir, `${lang}.log`);
  fs.writeFileSync(logFile, `$ java ${args.join(" ")}\n\n${out}`);
  const { warnings, errors } = scanLog(out);

  if (code !== 0 || errors.length > 0 || !fs.existsSync(path.join(tmp, ".openapi-generator", "FILES"))) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const why = code !== 0 ? `exit ${code}${signal ? ` (${signal})` : ""}` : errors.length ? `${errors.length} error(s) logged` : "no output";
    throw new RegenError(
      `openapi-generator failed for ${lang} (${why}); full log: ${rel(logFile)}` +
        (errors.length ? `\n${errors.map((e) => `  ${e.replace(/\n/g, "\n  ")}`).join("\n")}` : `\n${out.trim().split(/\r?\n/).slice(-15).join("\n")}`),
    );
  }
  let overlay;
  try {
    overlay = applyOverlay(lang, tmp);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  replaceDir(tmp, target);
  const files = fs.readFileSync(path.join(target, ".openapi-generator", "FILES"), "utf8").split(/\r?\n/).filter(Boolean).length;
  return { lang, target, seconds, files, warnings, logFile, overlay };
}

// ---- overlays: the hand-written signing layer each client gets (regen/overlays/<lang>/) ----
//
// openapi-generator can only express the AK/SK scheme as "some HTTP auth scheme" (see the
// AkSkSignature scheme in spec/openapi.yaml): a signature over each request's final bytes is
// beyond what its templates do. So every generated client gets a small overlay, kept in the
// repository and copied in here, never edited in out/: Python the `modelarts` package (the
// legacy SDK's imports, config contexts, a signing urllib3 pool), Go an AK/SK RoundTripper,
// Java a signing HttpClient. The overlay only adds files; the few generated files it has to
// touch (Python's dependency lists, each README's AkSkSignature section) are patched below,
// and a patch whose anchor is gone fails the run rather than being skipped.

const OVERLAY_ROOT = path.join(REPO_ROOT, "regen", "overlays");

function copyTree(from, to, added, rel = "") {
  for (const entry of fs.readdirSync(path.join(from, rel), { withFileTypes: true })) {
    const r = path.join(rel, entry.name);
    if (entry.name === "__pycache__" || entry.name === "target") continue;
    if (entry.isDirectory()) {
      fs.mkdirSync(path.join(to, r), { recursive: true });
      copyTree(from, to, added, r);
    } else {
      if (fs.existsSync(path.join(to, r))) throw new RegenError(`overlay file ${r} would overwrite a generated file of the same name`);
      fs.copyFileSync(path.join(from, r), path.join(to, r));
      added.push(r.split(path.sep).join("/"));
    }
  }
}

/** Replace exactly one occurrence of `anchor` in a generated file, or fail naming it. */
function patchFile(dir, file, anchor, replacement) {
  const p = path.join(dir, file);
  const text = fs.existsSync(p) ? fs.readFileSync(p, "utf8") : "";
  const at = typeof anchor === "string" ? text.indexOf(anchor) : text.search(anchor);
  if (at === -1) throw new RegenError(`overlay patch: ${file} no longer contains ${String(anchor).slice(0, 80)} (did the generator's template change?)`);
  fs.writeFileSync(p, typeof anchor === "string" ? text.replace(anchor, replacement) : text.replace(anchor, replacement));
}

// Where each client's README says how to sign with AK/SK (the generator leaves the section of
// an HTTP scheme it does not know empty).
const AUTH_POINTER = {
  python:
    "- **Type**: AK/SK signature (`Authorization: SDK-HMAC-SHA256 ...`), computed for each request; not a fixed header value.\n" +
    "- **How**: `from modelarts import config; client = config.create_client(context=\"default\")` signs every request with the " +
    "context's AK/SK from `~/.modelarts/config.yaml`; see [AUTHENTICATION.md](AUTHENTICATION.md).\n",
  go:
    "- **Type**: AK/SK signature (`Authorization: SDK-HMAC-SHA256 ...`), computed for each request; not a fixed header value.\n" +
    "- **How**: `cfg.HTTPClient = &http.Client{Transport: modelarts.NewAkSkTransport(ak, sk, \"\", nil)}` signs every request; " +
    "see [AUTHENTICATION.md](AUTHENTICATION.md).\n",
  java:
    "- **Type**: AK/SK signature (`Authorization: SDK-HMAC-SHA256 ...`), computed for each request; not a fixed header value.\n" +
    "- **How**: `AkSkSigning.configure(apiClient, ak, sk, null)` makes the client sign every request; see [AUTHENTICATION.md](AUTHENTICATION.md).\n",
};

function applyOverlay(lang, dir) {
  const from = path.join(OVERLAY_ROOT, lang);
  const added = [];
  if (fs.existsSync(from)) copyTree(from, dir, added);
  if (lang === "python") {
    // The overlay reads ~/.modelarts/config.yaml: PyYAML joins the generated requirements.
    patchFile(dir, "pyproject.toml", /dependencies = \[\n/, (m) => `${m}  "PyYAML (>=6.0)",\n`);
    patchFile(dir, "setup.py", /REQUIRES = \[\n/, (m) => `${m}    "PyYAML >= 6.0",\n`);
    fs.appendFileSync(path.join(dir, "requirements.txt"), "PyYAML >= 6.0\n");
  }
  // The scheme's README section: "### AkSkSignature" (python, go) or with an anchor before it (java, python).
  patchFile(dir, "README.md", /(### AkSkSignature\n)\n*/, (_, heading) => `${heading}\n${AUTH_POINTER[lang]}\n`);
  return added;
}

// ---- optional checks of the generated code (--verify) --------------------------------

function has(cmd, args = ["--version"]) {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  return !r.error && r.status === 0;
}

const PY_CHECK = `
import compileall, importlib, inspect, pkgutil, sys
pkg = sys.argv[1]
if not compileall.compile_dir(pkg, quiet=1, force=True):
    print("syntax errors in generated package"); sys.exit(1)
try:
    mod = importlib.import_module(pkg)
except ModuleNotFoundError as e:
    if e.name and not e.name.startswith(pkg):
        print(f"compiles; import skipped: dependency {e.name!r} not installed"); sys.exit(0)
    raise
apis = importlib.import_module(pkg + ".api")
names = []
for m in pkgutil.iter_modules(apis.__path__):
    sub = importlib.import_module(f"{pkg}.api.{m.name}")
    for n, cls in inspect.getmembers(sub, inspect.isclass):
        if cls.__module__ == sub.__name__:
            names.append(n)
print("imports; API classes: " + ", ".join(sorted(names)))
`;

async function verify(lang, target) {
  if (lang === "python") {
    if (!has("python3")) return "skipped (no python3)";
    const pkgName = LANGUAGES.python.props.packageName;
    const r = await run("python3", ["-B", "-c", PY_CHECK, pkgName], { cwd: target, env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
    if (r.code !== 0) throw new RegenError(`python check failed:\n${r.out.trim()}`);
    // compileall writes __pycache__: keep the generated tree clean.
    for (const d of fs.readdirSync(target, { recursive: true })) if (path.basename(d) === "__pycache__") fs.rmSync(path.join(target, d), { recursive: true, force: true });
    return r.out.trim();
  }
  if (lang === "go") {
    if (!has("go", ["version"])) return "skipped (no go toolchain)";
    // -mod=mod lets go fill go.sum from the module proxy if the client gains dependencies.
    const env = { ...process.env, GOFLAGS: `${process.env.GOFLAGS ?? ""} -mod=mod`.trim(), GOTOOLCHAIN: "local" };
    const r = await run("go", ["build", "./..."], { cwd: target, env });
    if (r.code !== 0) throw new RegenError(`go build ./... failed in ${rel(target)}:\n${r.out.trim()}`);
    return "go build ./... ok";
  }
  if (lang === "java") {
    if (!has("mvn", ["-v"])) return "skipped (no mvn)";
    const r = await run("mvn", ["-B", "-q", "-DskipTests", "compile"], { cwd: target });
    if (r.code !== 0) throw new RegenError(`mvn compile failed in ${rel(target)}:\n${r.out.trim().split(/\r?\n/).slice(-30).join("\n")}`);
    fs.rmSync(path.join(target, "target"), { recursive: true, force: true });
    return "mvn compile ok";
  }
  return "no check";
}

// ---- main ----------------------------------------------------------------------------

async function main() {
  const opts = parseCli(process.argv.slice(2));
  const log = (m) => console.error(m);
  const t0 = Date.now();
  if (!fs.existsSync(opts.spec)) {
    throw new RegenError(`spec not found: ${rel(opts.spec)} (build it first, or pass --spec FILE)`);
  }
  process.env.OPENAPI_GENERATOR_CLI_SEARCH_URL = "DEFAULT"; // wrapper: no version search
  const { version, jarPath, downloaded } = await ensureGeneratorJar({ log });
  log(`openapi-generator ${version}${downloaded ? " (downloaded)" : ""}: ${rel(jarPath)}`);
  log(`spec: ${rel(opts.spec)}`);

  const specNotes = await validateSpec(jarPath, opts.spec, log);
  const results = [];
  for (const lang of opts.langs) {
    const r = await generate(lang, { jar: jarPath, ...opts });
    if (opts.verify) r.check = await verify(lang, r.target);
    results.push(r);
  }

  const allWarnings = [...new Set([...specNotes, ...results.flatMap((r) => r.warnings)])];
  const specWarnings = allWarnings.filter((w) => !GENERATOR_NOISE.has(w) && !EXPECTED_SPEC_NOTES.has(w));
  const expected = allWarnings.filter((w) => EXPECTED_SPEC_NOTES.has(w));
  const noise = allWarnings.filter((w) => GENERATOR_NOISE.has(w));
  const where = (w) => [...(specNotes.includes(w) ? ["validate"] : []), ...results.filter((r) => r.warnings.includes(w)).map((r) => r.lang)].join(",");
  console.log(`\nregenerated with openapi-generator ${version} from ${rel(opts.spec)}:`);
  for (const r of results) {
    console.log(`  ${r.lang.padEnd(6)} -> ${rel(r.target)}/  (${LANGUAGES[r.lang].describe()}; ${r.files} files, ${r.seconds.toFixed(1)} s)`);
    if (r.overlay.length) console.log(`           overlay: ${r.overlay.length} files from ${rel(path.join(OVERLAY_ROOT, r.lang))}/`);
    if (r.check) console.log(`           check: ${r.check}`);
  }
  if (specWarnings.length) {
    console.log(`generator warnings about the spec (${specWarnings.length}, deduplicated; full logs in ${rel(path.join(opts.outRoot, ".logs"))}/):`);
    for (const w of specWarnings) console.log(`  [${where(w)}] ${w}`);
  } else {
    console.log("generator warnings about the spec: none");
  }
  if (expected.length) console.log(`expected generator notes: ${expected.map((w) => `[${where(w)}] ${w} (${EXPECTED_SPEC_NOTES.get(w)})`).join("; ")}`);
  if (noise.length) console.log(`known generator-internal warnings (not about the spec): ${noise.map((w) => `[${where(w)}] ${w}`).join("; ")}`);
  console.log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (opts.strict && specWarnings.length) throw new RegenError(`--strict: ${specWarnings.length} generator warning(s) about the spec`);
}

main().catch((err) => {
  if (err instanceof RegenError || err instanceof JarError) {
    console.error(`\nregen: error: ${err.message}`);
    process.exit(err.message.includes("usage:") ? 2 : 1);
  }
  console.error(err);
  process.exit(1);
});
