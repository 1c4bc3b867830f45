// Locate (and on first use fetch) the pinned openapi-generator jar.
//
// openapitools.json is the single source of truth for the version: `generator-cli.version`
// pins the generator, `generator-cli.storageDir` says where the jar lives. The same file
// drives the npm wrapper (`npx openapi-generator-cli ...`), which looks for
// `<storageDir>/<version>.jar` and downloads it from Maven Central when it is missing.
// Its schema is the wrapper's, so the jar's checksum is pinned here, in JAR_SHA256.
//
// ensureGeneratorJar():
//   1. jar already at <storageDir>/<version>.jar      -> use it, no network at all;
//   2. else let the npm wrapper download it             (`openapi-generator-cli version`);
//   3. else (wrapper failed) fetch the Maven artifact   org.openapitools:openapi-generator-cli:<version>
//      with `mvn dependency:copy` and move it into place.
// Whatever its origin (cached or just fetched, by either path), the jar must have the SHA-256
// pinned in JAR_SHA256 for that version; a jar that does not is deleted (and a cached one is
// fetched again). A version without a pinned SHA-256 is refused.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

const GROUP_ID = "org.openapitools";
const ARTIFACT_ID = "openapi-generator-cli";
const DEFAULT_STORAGE_DIR = "node_modules/.cache/openapi-generator-cli";
const DEFAULT_DOWNLOAD_URL =
  "https://repo1.maven.org/maven2/${groupId}/${artifactId}/${versionName}/${artifactId}-${versionName}.jar";

/**
 * SHA-256 of org.openapitools:openapi-generator-cli:<version>.jar, per pinned version.
 * Bumping generator-cli.version in openapitools.json needs a new entry here: download the
 * jar, check its SHA-1 against Maven Central's
 * https://repo1.maven.org/maven2/org/openapitools/openapi-generator-cli/<v>/openapi-generator-cli-<v>.jar.sha1
 * and record `sha256sum` of it.
 */
export const JAR_SHA256 = Object.freeze({
  // SHA-1 56a9bb79e3bb565f477eddca2c6daa288a9c6f35, as published by Maven Central.
  "7.25.0": "41ce4f6b07f196676439d710759fa1ced7a08066d06ff1bf314681470289efae",
});

export class JarError extends Error {}

/** Read openapitools.json: { root, file, version, storageDir (absolute), jarPath, downloadUrl }. */
export function readGeneratorConfig(root = REPO_ROOT) {
  root = path.resolve(root);
  const file = path.join(root, "openapitools.json");
  let cfg;
  try {
    cfg = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new JarError(`cannot read ${file}: ${err.message}`);
  }
  const gc = cfg["generator-cli"] ?? {};
  const version = gc.version;
  if (typeof version !== "string" || !/^\d+\.\d+\.\d+/.test(version)) {
    throw new JarError(`${file}: "generator-cli.version" must pin a version like "7.25.0" (found ${JSON.stringify(version)})`);
  }
  // Same resolution rule as the wrapper: relative to the project root, "~" = home.
  const storageDir = path.resolve(root, (gc.storageDir ?? DEFAULT_STORAGE_DIR).replace("~", os.homedir()));
  const downloadUrl = fill(gc.repository?.downloadUrl ?? DEFAULT_DOWNLOAD_URL, version);
  return { root, file, version, storageDir, jarPath: path.join(storageDir, `${version}.jar`), downloadUrl };
}

function fill(template, version) {
  const vars = {
    versionName: version,
    groupId: GROUP_ID.replace(/\./g, "/"),
    artifactId: ARTIFACT_ID,
    "group.id": GROUP_ID,
    "artifact.id": ARTIFACT_ID,
  };
  let out = template;
  for (const [k, v] of Object.entries(vars)) out = out.split("${" + k + "}").join(v);
  return out;
}

/** The pinned SHA-256 of the jar for `version`; throws when there is none. */
export function pinnedJarSha256(version, pins = JAR_SHA256) {
  const expected = Object.hasOwn(pins, version) ? pins[version] : undefined;
  if (typeof expected !== "string" || !/^[0-9a-f]{64}$/.test(expected)) {
    throw new JarError(
      `no SHA-256 pinned for openapi-generator-cli ${version}: add it to JAR_SHA256 in scripts/lib/generator-jar.mjs ` +
        `(pinned: ${Object.keys(pins).join(", ") || "none"})`,
    );
  }
  return expected;
}

export async function sha256File(file) {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk);
  return hash.digest("hex");
}

/**
 * Check the jar at `jarPath` against the SHA-256 pinned for `version`. On a mismatch
 * (or when it cannot be read) the file is deleted and a JarError is thrown.
 */
export async function verifyJar(jarPath, version, { pins = JAR_SHA256 } = {}) {
  const expected = pinnedJarSha256(version, pins);
  let actual;
  try {
    actual = await sha256File(jarPath);
  } catch (err) {
    fs.rmSync(jarPath, { force: true });
    throw new JarError(`cannot read ${jarPath} (${err.message}); removed it`);
  }
  if (actual !== expected) {
    fs.rmSync(jarPath, { force: true });
    throw new JarError(`${jarPath} has SHA-256 ${actual}, expected ${expected} for openapi-generator-cli ${version}; removed it`);
  }
  return actual;
}

function wrapperMain(log) {
  try {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve("@openapitools/openapi-generator-cli/package.json")), "main.js");
  } catch {
    log("  npm wrapper @openapitools/openapi-generator-cli is not installed (run `npm ci`)");
    return undefined;
  }
}

/**
 * Let the npm wrapper download the jar into cfg.jarPath; true when it is there.
 * `main` replaces the wrapper's main.js (for tests).
 */
export function downloadWithWrapper(cfg, log, { main = wrapperMain(log) } = {}) {
  if (main === undefined) return false;
  log(`  downloading openapi-generator ${cfg.version} with the npm wrapper ...`);
  // The wrapper takes its working directory from $PWD (then INIT_CWD, then cwd()) and
  // resolves openapitools.json and storageDir against it: pin both to the config's
  // root, the folder readGeneratorConfig resolved storageDir against.
  const r = spawnSync(process.execPath, [main, "--openapitools", cfg.file, "version"], {
    cwd: cfg.root,
    env: { ...process.env, PWD: cfg.root, OPENAPI_GENERATOR_CLI_SEARCH_URL: "DEFAULT" },
    encoding: "utf8",
    timeout: 300_000,
  });
  if (!fs.existsSync(cfg.jarPath)) {
    const out = `${r.stdout ?? ""}${r.stderr ?? ""}`
      .split(/\r?\n/)
      .filter((l) => l.trim() && !/^\s+at |^Node\.js v/.test(l))
      .slice(0, 8)
      .join("\n    ");
    log(`  npm wrapper did not produce ${cfg.jarPath} (exit ${r.status ?? r.signal ?? r.error?.message}):\n    ${out}`);
    return false;
  }
  return true;
}

function downloadWithMaven(cfg, log) {
  const artifact = `${GROUP_ID}:${ARTIFACT_ID}:${cfg.version}:jar`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "regen-jar-"));
  try {
    log(`  downloading ${artifact} with Maven ...`);
    const r = spawnSync(
      "mvn",
      ["-B", "-q", "--strict-checksums", "dependency:copy", `-Dartifact=${artifact}`, `-DoutputDirectory=${tmp}`],
      { cwd: tmp, encoding: "utf8", timeout: 600_000 },
    );
    if (r.error) {
      log(`  Maven not usable: ${r.error.message}`);
      return false;
    }
    const got = path.join(tmp, `${ARTIFACT_ID}-${cfg.version}.jar`);
    if (r.status !== 0 || !fs.existsSync(got)) {
      const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split(/\r?\n/).slice(-8).join("\n    ");
      log(`  Maven failed (exit ${r.status}):\n    ${out}`);
      return false;
    }
    fs.mkdirSync(cfg.storageDir, { recursive: true });
    const part = `${cfg.jarPath}.${process.pid}.part`;
    fs.copyFileSync(got, part);
    fs.renameSync(part, cfg.jarPath); // atomic within storageDir
    return true;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const FETCHERS = [
  ["npm wrapper", downloadWithWrapper],
  ["Maven", downloadWithMaven],
];

/**
 * Make sure the pinned jar is on disk and return { version, jarPath, downloaded }.
 * Throws JarError with a readable message when it cannot be had.
 * `fetchers` ([name, (cfg, log) => boolean][]) replaces the download paths (for tests).
 */
export async function ensureGeneratorJar({ log = (m) => console.error(m), root = REPO_ROOT, fetchers = FETCHERS } = {}) {
  const cfg = readGeneratorConfig(root);
  pinnedJarSha256(cfg.version); // refuse an unpinned version before any download
  if (fs.existsSync(cfg.jarPath)) {
    try {
      await verifyJar(cfg.jarPath, cfg.version);
      return { version: cfg.version, jarPath: cfg.jarPath, downloaded: false };
    } catch (err) {
      if (!(err instanceof JarError)) throw err;
      log(`  cached jar rejected: ${err.message}; fetching it again`);
    }
  }
  const problems = [];
  for (const [name, fetchJar] of fetchers) {
    try {
      if (!(await fetchJar(cfg, log))) {
        problems.push(`${name}: no jar`);
        continue;
      }
      const sum = await verifyJar(cfg.jarPath, cfg.version);
      log(`  jar SHA-256 matches the pinned ${sum}`);
      log(`  openapi-generator ${cfg.version} -> ${path.relative(root, cfg.jarPath)}`);
      return { version: cfg.version, jarPath: cfg.jarPath, downloaded: true };
    } catch (err) {
      fs.rmSync(cfg.jarPath, { force: true }); // never leave an unverified jar where the next run would find it
      problems.push(`${name}: ${err.message}`);
      log(`  ${name}: ${err.message}`);
    }
  }
  throw new JarError(
    `could not get openapi-generator ${cfg.version} (${GROUP_ID}:${ARTIFACT_ID}) into ${cfg.jarPath}:\n  - ` +
      problems.join("\n  - "),
  );
}
