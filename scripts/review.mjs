#!/usr/bin/env node
// Spec review for a pull request: what a change to spec/ means for the API's users.
//
//   npm run review [-- --base <git-ref>] [--out <dir>] [--docs-url <url>] [--skip lint,drift,typescript,python]
//
// Compares the bundled spec at <base> (default: the merge base with main) with the working
// tree's spec/ and writes one Markdown report to stdout and <out>/report.md (default
// out/review/): Spectral findings on the new spec, whether generated/ is in sync, the changes by
// operationId, every breaking change with oasdiff's rule ID and why it breaks, and how the
// TypeScript helpers' and the regenerated Python client's signatures change.
//
// Exit status: 1 when a breaking change is present and info.version's major number did not
// increase; 0 otherwise (no change, only compatible changes, or breaking changes announced by a
// major version bump); 2 when the review itself could not run (bad ref, broken spec, tool error).
//
// Breaking changes come from oasdiff (pinned Go module, built by scripts/lib/go-tools.mjs):
// about 500 rules that tell request from response side, OpenAPI 3.0 and 3.1. Everything a run
// computes per spec (TypeScript and Python surfaces) is cached under out/cache/review/ by content
// hash, so a second review of the same base costs nothing for the base side.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { bundle, createConfig } from "@redocly/openapi-core";
import { ensureGoTool, GO_TOOLS } from "./lib/go-tools.mjs";
import { helperSignatures, layoutRevision } from "./lib/ts-surface.mjs";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CACHE_DIR = path.join(REPO_ROOT, "out", "cache", "review");
/** Bump when what the cached surfaces contain changes, so stale cache entries are not read. */
const SURFACE_FORMAT = "2";

const SECTIONS = ["lint", "drift", "typescript", "python"];
const USAGE = `usage: npm run review -- [--base <git-ref>] [--out <dir>] [--docs-url <url>] [--skip ${SECTIONS.join(",")}]`;

class ReviewError extends Error {}

// oasdiff levels (its JSON output): 3 = ERR, 2 = WARN, 1 = INFO.
const LEVEL = { 3: "error", 2: "warning", 1: "info" };
/**
 * The project's compatibility policy where it is stricter than oasdiff's defaults, passed as
 * `--severity-levels` (oasdiff's file format: "<check-id> <err|warn|info|none>" per line, no
 * comments, hence kept here).
 */
const SEVERITY_LEVELS = [
  // A client that reads an optional response field (sent in some answers) finds it never sent
  // again: readers break, and the legacy SDK's result tables promise those fields.
  "response-optional-property-removed err",
];
/** oasdiff's own version check; this script applies the major-version rule itself. */
const VERSION_RULES = new Set(["api-version-not-bumped"]);

/** Why a rule breaks clients, by rule ID; the first matching pattern wins. */
const REASONS = [
  [/^api-path-removed|^api-removed|^api-operation-id-removed/, "calls to it from existing clients now fail (404 or an unknown method)"],
  [/^new-required-request-(property|parameter)|^request-(property|parameter|body)-became-required|^new-request-path-parameter|^request-body-became-required/,
    "request side: existing callers do not send it, so their requests are refused"],
  [/^request-.*(type|format)-(changed|generalized)|^request-.*pattern-(added|changed)|^request-.*(max|min)(-length|-items)?-(decreased|increased|set)|^request-.*enum-value-removed|^request-.*became-not-nullable|^request-.*became-enum/,
    "request side: the new spec accepts fewer values, so values existing callers send may be refused"],
  [/^request-/, "request side: requests that were valid before may be refused"],
  [/^response-.*enum-value-added/, "response side: strict clients (generated enums, exhaustive switches) fail on a value they were not built to expect"],
  [/^response-success-status-removed|^response-non-success-status-removed|^response-success-status-changed/,
    "response side: clients that check for the old status treat the answer as unexpected"],
  [/^response-.*property-removed|^response-property-became-optional|^response-required-property-became-not-read-only/,
    "response side: clients that read the field find it missing"],
  [/^response-.*(type|format)-changed|^response-.*became-nullable|^response-.*(max|min)/,
    "response side: readers parsing the old shape may fail on the new one"],
  [/^response-media-type-removed|^response-body/, "response side: clients that parse the old body no longer get it"],
  [/^response-/, "response side: answers may no longer match what existing clients parse"],
];

function reasonFor(rule) {
  return REASONS.find(([pattern]) => pattern.test(rule.id))?.[1] ?? "changes what existing clients were built against";
}

function parseCli(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        base: { type: "string" },
        out: { type: "string" },
        "docs-url": { type: "string" },
        skip: { type: "string", default: "" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ReviewError(`${err.message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const skip = new Set(values.skip.split(",").map((s) => s.trim()).filter(Boolean));
  for (const section of skip) {
    if (!SECTIONS.includes(section)) throw new ReviewError(`--skip: unknown section ${JSON.stringify(section)} (known: ${SECTIONS.join(", ")})\n${USAGE}`);
  }
  return { ...values, skip };
}

function sh(cmd, args, { cwd = REPO_ROOT, env = process.env, input, allowFail = false } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, input, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new ReviewError(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0 && !allowFail) {
    throw new ReviewError(`${cmd} ${args.join(" ")} exited ${r.status}: ${(r.stderr || r.stdout).trim().split("\n").slice(-10).join("\n")}`);
  }
  return r;
}

function git(args, opts) {
  return sh("git", args, opts).stdout.trim();
}

/** The commit to compare with: --base, else the merge base of HEAD and main (or origin/main). */
function resolveBase(ref) {
  if (ref) {
    const r = sh("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { allowFail: true });
    if (r.status !== 0) throw new ReviewError(`--base ${ref}: not a commit in this repository`);
    return { ref, sha: r.stdout.trim() };
  }
  for (const candidate of ["main", "origin/main"]) {
    const r = sh("git", ["merge-base", "HEAD", candidate], { allowFail: true });
    if (r.status === 0) return { ref: `merge-base(HEAD, ${candidate})`, sha: r.stdout.trim() };
  }
  throw new ReviewError("no --base given and no main or origin/main branch to take the merge base with");
}

async function bundleSpec(entry) {
  const config = await createConfig({});
  const { bundle: result, problems } = await bundle({ ref: entry, config });
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0) throw new ReviewError(`bundling ${entry} failed:\n${errors.map((p) => `  - ${p.message}`).join("\n")}`);
  return result.parsed;
}

/** spec/ as it was at `sha`, bundled. */
async function bundleAt(sha, scratch) {
  const dir = path.join(scratch, "base");
  fs.mkdirSync(dir, { recursive: true });
  const tree = sh("git", ["ls-tree", "-r", "--name-only", sha, "--", "spec"]).stdout.split("\n").filter(Boolean);
  if (!tree.includes("spec/openapi.yaml")) throw new ReviewError(`the base ${sha.slice(0, 12)} has no spec/openapi.yaml`);
  const tar = spawnSync("git", ["archive", "--format=tar", sha, "spec"], { cwd: REPO_ROOT, maxBuffer: 256 * 1024 * 1024 });
  if (tar.status !== 0) throw new ReviewError(`git archive ${sha} spec failed: ${tar.stderr}`);
  sh("tar", ["-x", "-C", dir], { input: tar.stdout });
  return bundleSpec(path.join(dir, "spec", "openapi.yaml"));
}

function sha256(text) {
  return createHash("sha256").update(text).digest("hex");
}

/** Stable JSON for hashing and comparing: object keys sorted. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function cached(kind, key, compute) {
  const file = path.join(CACHE_DIR, `${kind}-${key}.json`);
  if (fs.existsSync(file)) return Promise.resolve(JSON.parse(fs.readFileSync(file, "utf8")));
  return Promise.resolve(compute()).then((value) => {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Write then rename: concurrent reviews (tests run several) never read half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(value));
    fs.renameSync(tmp, file);
    return value;
  });
}

function treeHash(dir) {
  const hash = createHash("sha256");
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(`${path.relative(dir, full)}\0`).update(fs.readFileSync(full)).update("\0");
    }
  };
  walk(dir);
  return hash.digest("hex");
}

// ---- the checks -------------------------------------------------------------------------

function spectralFindings() {
  const bin = path.join(REPO_ROOT, "node_modules", ".bin", "spectral");
  const r = sh(bin, ["lint", "spec/openapi.yaml", "--ruleset", ".spectral.yaml", "-f", "json", "-q"], { allowFail: true });
  let findings;
  try {
    findings = JSON.parse(r.stdout || "[]");
  } catch {
    throw new ReviewError(`spectral did not produce JSON (exit ${r.status}): ${(r.stderr || r.stdout).trim().slice(0, 500)}`);
  }
  const severity = ["error", "warning", "info", "hint"];
  return findings.map((f) => ({
    rule: f.code,
    severity: severity[f.severity] ?? String(f.severity),
    message: f.message,
    where: `${path.relative(REPO_ROOT, f.source ?? "spec/openapi.yaml")}:${(f.range?.start?.line ?? 0) + 1}`,
    path: (f.path ?? []).join("."),
  }));
}

function driftCheck() {
  const r = sh(process.execPath, [path.join(REPO_ROOT, "scripts", "generate.mjs"), "--check"], { allowFail: true });
  return { inSync: r.status === 0, message: (r.status === 0 ? r.stdout : r.stderr || r.stdout).trim() };
}

function oasdiff(args, log) {
  const bin = ensureGoTool("oasdiff", { log });
  return sh(bin, args, { allowFail: true });
}

function changelog(baseFile, headFile, scratch, log) {
  const levels = path.join(scratch, "severity-levels.txt");
  fs.writeFileSync(levels, `${SEVERITY_LEVELS.join("\n")}\n`);
  // --flatten-allof: the spec wraps $refs in allOf to add descriptions; compare the merged schemas.
  const r = oasdiff(["changelog", baseFile, headFile, "--format", "json", "--flatten-allof", "--severity-levels", levels, "--allow-external-refs=false"], log);
  if (r.status !== 0) throw new ReviewError(`oasdiff changelog failed (exit ${r.status}): ${r.stderr.trim()}`);
  return JSON.parse(r.stdout || "[]");
}

const DOC_KEYS = new Set(["description", "summary", "title", "example", "examples", "externalDocs", "x-enum-descriptions"]);

/** Documentation-only differences from `oasdiff diff`: where a description, summary or example changed. */
function documentationChanges(baseFile, headFile, operationIds, log) {
  const r = oasdiff(["diff", baseFile, headFile, "--format", "json", "--flatten-allof", "--allow-external-refs=false"], log);
  if (r.status !== 0) throw new ReviewError(`oasdiff diff failed (exit ${r.status}): ${r.stderr.trim()}`);
  const diff = r.stdout.trim() ? JSON.parse(r.stdout) : {};
  const found = [];
  const walk = (node, trail, group) => {
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (DOC_KEYS.has(key)) {
        found.push({ group, where: [...trail, key].filter((k) => !["modified", "operations"].includes(k)).join(".") });
        continue;
      }
      walk(value, [...trail, key], group);
    }
  };
  for (const [p, pathDiff] of Object.entries(diff.paths?.modified ?? {})) {
    for (const [method, opDiff] of Object.entries(pathDiff.operations?.modified ?? {})) {
      walk(opDiff, [], operationIds.get(`${method.toLowerCase()} ${p}`) ?? `${method} ${p}`);
    }
  }
  walk(diff.info, ["info"], "(document)");
  walk(diff.tags, ["tags"], "(document)");
  return found;
}

// ---- client surfaces --------------------------------------------------------------------

async function tsSurface(spec) {
  const srcHash = treeHash(path.join(REPO_ROOT, "src"));
  // The code that lays out and reads a revision is part of the key: a fix there must not be hidden by a cached surface.
  const toolHash = sha256(["lib/ts-surface.mjs", "generate.mjs"].map((f) => fs.readFileSync(path.join(REPO_ROOT, "scripts", f), "utf8")).join("\0"));
  const key = sha256(`${SURFACE_FORMAT}\0${canonical(spec)}\0${srcHash}\0${toolHash}`).slice(0, 24);
  return cached("ts", key, async () => {
    // Inside the repository so that the copy of src/ resolves node_modules like the real one.
    fs.mkdirSync(path.join(REPO_ROOT, "out", "cache"), { recursive: true });
    const dir = fs.mkdtempSync(path.join(REPO_ROOT, "out", "cache", "ts-rev-"));
    try {
      await layoutRevision(dir, spec, { repoRoot: REPO_ROOT });
      return helperSignatures(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

async function pythonSurface(spec, log) {
  const generator = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "openapitools.json"), "utf8"))["generator-cli"].version;
  const key = sha256(`${SURFACE_FORMAT}\0${canonical(spec)}\0${generator}\0${fs.readFileSync(path.join(REPO_ROOT, "scripts", "regen.mjs"), "utf8")}`).slice(0, 24);
  return cached("python", key, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-python-"));
    try {
      const specFile = path.join(dir, "openapi.json");
      fs.writeFileSync(specFile, JSON.stringify(spec, null, 2));
      log(`regenerating the Python client for spec ${key.slice(0, 12)} (openapi-generator ${generator})`);
      const r = sh(process.execPath, [path.join(REPO_ROOT, "scripts", "regen.mjs"), "python", "--spec", specFile, "--out", path.join(dir, "clients")], {
        allowFail: true,
      });
      if (r.status !== 0) return { error: `npm run regen -- python failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-5).join(" / ")}` };
      const py = sh("python3", [path.join(REPO_ROOT, "scripts", "lib", "python-surface.py"), path.join(dir, "clients", "python", "modelarts_data_annotations")]);
      return { generator, ...JSON.parse(py.stdout) };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

function diffMaps(before = {}, after = {}) {
  const added = [];
  const removed = [];
  const changed = [];
  for (const key of Object.keys(after).sort()) {
    if (!(key in before)) added.push({ key, after: after[key] });
    else if (before[key] !== after[key]) changed.push({ key, before: before[key], after: after[key] });
  }
  for (const key of Object.keys(before).sort()) if (!(key in after)) removed.push({ key, before: before[key] });
  return { added, removed, changed, count: added.length + removed.length + changed.length };
}

// ---- the report -------------------------------------------------------------------------

function major(version) {
  const m = /^v?(\d+)/.exec(String(version ?? ""));
  return m ? Number(m[1]) : NaN;
}

const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\n/g, " ");

function surfaceSection(lines, title, diff, note) {
  lines.push(`### ${title}`, "");
  if (note) lines.push(note, "");
  if (diff.count === 0) {
    lines.push("No change.", "");
    return;
  }
  const block = [];
  for (const { key, before } of diff.removed) block.push(`- ${key}: ${before}`);
  for (const { key, after } of diff.added) block.push(`+ ${key}: ${after}`);
  for (const { key, before, after } of diff.changed) block.push(`- ${key}: ${before}`, `+ ${key}: ${after}`);
  lines.push(`${diff.removed.length} removed, ${diff.added.length} added, ${diff.changed.length} changed:`, "", "```diff", ...block, "```", "");
}

function renderReport(r) {
  const lines = [];
  lines.push(`# Spec review: ${r.base.ref} (${r.base.sha.slice(0, 12)}) → working tree`, "");
  let verdict;
  if (!r.specChanged) verdict = "**No changes** to the bundled spec.";
  else if (r.breaking.length === 0) verdict = "**No breaking changes.**";
  else if (r.acknowledged) verdict = `**${r.breaking.length} breaking change(s), announced by the major version bump** ${r.baseVersion} → ${r.headVersion}.`;
  else verdict = `**${r.breaking.length} breaking change(s) without a major version bump** (info.version ${r.baseVersion} → ${r.headVersion}).`;
  lines.push(verdict, "");
  lines.push(`Exit status: **${r.exitCode}**${r.exitCode === 1 ? " (bump info.version's major number if the break is intended)" : ""}.`, "");
  lines.push(
    r.docsLink
      ? `Reference docs (\`npm run docs\`): [download](${r.docsLink}): \`index.html\` is the API reference, \`api/index.html\` the TypeScript client's.`
      : `Reference docs (\`npm run docs\`): [API reference](${r.docsDir}/index.html) · [TypeScript client](${r.docsDir}/api/index.html)`,
    "",
  );

  lines.push("## Lint and generated files", "");
  if (!r.lint) lines.push("- Spectral: not run (`--skip lint`).");
  else if (r.lint.length === 0) lines.push("- Spectral (house rules): no findings.");
  else {
    lines.push(`- Spectral (house rules): ${r.lint.length} finding(s):`, "", "| severity | rule | where | message |", "| --- | --- | --- | --- |");
    for (const f of r.lint) lines.push(`| ${f.severity} | \`${f.rule}\` | ${cell(f.where)} | ${cell(f.message)} |`);
    lines.push("");
  }
  if (!r.drift) lines.push("- `generated/`: not checked (`--skip drift`).", "");
  else lines.push(r.drift.inSync ? "- `generated/` is in sync with `spec/`." : `- \`generated/\` is **out of date**: ${r.drift.message.split("\n")[0]} Run \`npm run generate\`.`, "");

  if (!r.specChanged) {
    lines.push("## Changes", "", "No changes: the bundled spec is the same at the base and in the working tree.", "");
    return lines.join("\n");
  }

  lines.push("## Breaking changes", "");
  if (r.breaking.length === 0) lines.push("None found by oasdiff.", "");
  else {
    lines.push("| operation | rule | change | why it breaks |", "| --- | --- | --- | --- |");
    for (const c of r.breaking) {
      lines.push(`| ${c.operationId ? `\`${c.operationId}\`` : "(document)"} | \`${c.id}\` (${LEVEL[c.level]}) | ${cell(c.text)} | ${cell(reasonFor(c))} |`);
    }
    lines.push("");
  }

  lines.push("## Changes by operation", "");
  const groups = new Map();
  const add = (group, text) => {
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push(text);
  };
  for (const c of r.changes) {
    if (VERSION_RULES.has(c.id)) continue;
    const tag = c.level >= 2 ? "**breaking**" : "compatible";
    const where = c.operation ? ` (${c.operation} ${c.path})` : "";
    add(c.operationId ?? "(document)", `${tag}: ${c.text}${where} [\`${c.id}\`]`);
  }
  for (const d of r.docs) add(d.group, `documentation: \`${d.where}\` changed`);
  if (groups.size === 0) lines.push("The bundled spec changed only in ways oasdiff does not count as API changes (ordering, formatting, extensions).", "");
  for (const [group, items] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`### ${group === "(document)" ? "Document" : `\`${group}\``}`, "", ...items.map((i) => `- ${i}`), "");
  }

  lines.push("## Generated clients", "");
  if (r.ts.skipped) lines.push("### TypeScript helpers", "", "Not computed (`--skip typescript`).", "");
  else if (r.ts.error) lines.push(`### TypeScript helpers`, "", `Could not be computed: ${r.ts.error}`, "");
  else {
    surfaceSection(
      lines,
      "TypeScript helpers (`DataAnnotationsApi`, `LabelApi`)",
      r.ts.diff,
      r.ts.headErrors.length > 0
        ? `**The helpers do not compile against the new spec** (the facade in src/api must change with it):\n\n\`\`\`\n${r.ts.headErrors.map((e) => (e.length > 300 ? `${e.slice(0, 300)}…` : e)).join("\n")}\n\`\`\``
        : undefined,
    );
  }
  if (r.python.skipped) lines.push("### Python client", "", "Not computed (`--skip python`).", "");
  else if (r.python.error) lines.push("### Python client", "", `Could not be computed: ${r.python.error}`, "");
  else {
    surfaceSection(lines, `Python client methods (openapi-generator ${r.python.generator})`, r.python.methods);
    surfaceSection(lines, "Python client model fields", r.python.models);
  }
  return lines.join("\n");
}

async function main() {
  const opts = parseCli(process.argv.slice(2));
  const log = (line) => process.stderr.write(`review: ${line}\n`);
  const outDir = path.resolve(opts.out ?? path.join(REPO_ROOT, "out", "review"));
  // --docs-url: where readers get the built docs (in CI, the artifact); else the local folder, relative to the report.
  const docsLink = opts["docs-url"] || undefined;
  const docsDir = path.relative(outDir, path.join(REPO_ROOT, "out", "docs")).split(path.sep).join("/");

  const base = resolveBase(opts.base);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "review-"));
  try {
    const baseSpec = await bundleAt(base.sha, scratch);
    const headSpec = await bundleSpec(path.join(REPO_ROOT, "spec", "openapi.yaml"));
    const baseFile = path.join(scratch, "base.json");
    const headFile = path.join(scratch, "head.json");
    fs.writeFileSync(baseFile, JSON.stringify(baseSpec, null, 2));
    fs.writeFileSync(headFile, JSON.stringify(headSpec, null, 2));

    const specChanged = canonical(baseSpec) !== canonical(headSpec);
    const lint = opts.skip.has("lint") ? undefined : spectralFindings();
    const drift = opts.skip.has("drift") ? undefined : driftCheck();
    const baseVersion = baseSpec.info?.version;
    const headVersion = headSpec.info?.version;
    const report = { base, docsLink, docsDir, specChanged, lint, drift, baseVersion, headVersion, breaking: [], changes: [], docs: [], exitCode: 0 };

    if (specChanged) {
      const operationIds = new Map();
      for (const [p, item] of Object.entries({ ...baseSpec.paths, ...headSpec.paths })) {
        for (const [method, op] of Object.entries(item ?? {})) if (op?.operationId) operationIds.set(`${method} ${p}`, op.operationId);
      }
      report.changes = changelog(baseFile, headFile, scratch, log);
      report.breaking = report.changes.filter((c) => c.level >= 2 && !VERSION_RULES.has(c.id));
      report.docs = documentationChanges(baseFile, headFile, operationIds, log);
      report.acknowledged = major(headVersion) > major(baseVersion);
      report.exitCode = report.breaking.length > 0 && !report.acknowledged ? 1 : 0;

      if (opts.skip.has("typescript")) report.ts = { skipped: true };
      else {
        try {
          const [before, after] = [await tsSurface(baseSpec), await tsSurface(headSpec)];
          report.ts = { diff: diffMaps(before.signatures, after.signatures), headErrors: after.errors };
        } catch (err) {
          report.ts = { error: err.message };
        }
      }
      if (opts.skip.has("python")) report.python = { skipped: true };
      else {
        const [before, after] = [await pythonSurface(baseSpec, log), await pythonSurface(headSpec, log)];
        if (before.error || after.error) report.python = { error: before.error ?? after.error };
        else report.python = { generator: after.generator, methods: diffMaps(before.methods, after.methods), models: diffMaps(before.models, after.models) };
      }
    }

    const markdown = `${renderReport(report)}\n`;
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, "report.md"), markdown);
    fs.writeFileSync(
      path.join(outDir, "report.json"),
      JSON.stringify({ base, baseVersion, headVersion, specChanged, exitCode: report.exitCode, breaking: report.breaking, changes: report.changes, docs: report.docs, lint, drift, oasdiff: GO_TOOLS.oasdiff.version }, null, 2),
    );
    process.stdout.write(markdown);
    return report.exitCode;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ReviewError ? `review: ${err.message}` : err);
    process.exit(2);
  },
);
