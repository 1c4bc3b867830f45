// Locate (and on first use fetch) the pinned openapi-generator jar.
//
// openapitools.json is the single source of truth: `generator-cli.version` pins the
// generator, `generator-cli.storageDir` says where the jar lives. The same file drives
// the npm wrapper (`npx openapi-generator-cli ...`), which looks for
// `<storageDir>/<version>.jar` and downloads it from Maven Central when it is missing.
//
// ensureGeneratorJar():
//   1. jar already at <storageDir>/<version>.jar      -> use it, no network at all;
//   2. else let the npm wrapper download it             (`openapi-generator-cli version`);
//   3. else (wrapper failed) fetch the Maven artifact   org.openapitools:openapi-generator-cli:<version>
//      with `mvn dependency:copy` and move it into place.
// A freshly fetched jar is checked against the .sha1 Maven Central publishes next to it
// (when that can be read) and must report the pinned version, before it is kept.

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

export class JarError extends Error {}

/** Read openapitools.json: { version, storageDir (absolute), jarPath, downloadUrl }. */
export function readGeneratorConfig(root = REPO_ROOT) {
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
  return { file, version, storageDir, jarPath: path.join(storageDir, `${version}.jar`), downloadUrl };
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

/** `java -jar <jar> version` -> the version string, or null if the jar does not run. */
export function jarVersion(jarPath) {
  const r = spawnSync("java", ["-jar", jarPath, "version"], { encoding: "utf8" });
  if (r.error) throw new JarError(`cannot run java (${r.error.message}); openapi-generator needs a JDK/JRE 11+ on PATH`);
  if (r.status !== 0) return null;
  const lines = r.stdout.trim().split(/\r?\n/);
  return lines[lines.length - 1]?.trim() ?? null;
}

function sha1(file) {
  return createHash("sha1").update(fs.readFileSync(file)).digest("hex");
}

/** Check a freshly fetched jar; deletes it and throws when it is bad. */
async function checkFetchedJar(jarPath, { version, downloadUrl }, log) {
  let expected = null;
  try {
    const res = await fetch(`${downloadUrl}.sha1`, { signal: AbortSignal.timeout(15_000) });
    if (res.ok) expected = (await res.text()).trim().split(/\s+/)[0]?.toLowerCase() ?? null;
  } catch {
    /* checksum not reachable: fall back to the version check alone */
  }
  if (expected) {
    const actual = sha1(jarPath);
    if (actual !== expected) {
      fs.rmSync(jarPath, { force: true });
      throw new JarError(`downloaded jar has SHA-1 ${actual}, Maven Central says ${expected}; removed it`);
    }
    log(`  jar SHA-1 matches Maven Central (${expected})`);
  } else {
    log(`  (could not read ${downloadUrl}.sha1; checking the jar by running it)`);
  }
  const v = jarVersion(jarPath);
  if (v !== version) {
    fs.rmSync(jarPath, { force: true });
    throw new JarError(`jar at ${jarPath} reports version ${JSON.stringify(v)}, expected ${version}; removed it`);
  }
}

function downloadWithWrapper(cfg, log) {
  const require = createRequire(import.meta.url);
  let main;
  try {
    main = path.join(path.dirname(require.resolve("@openapitools/openapi-generator-cli/package.json")), "main.js");
  } catch {
    log("  npm wrapper @openapitools/openapi-generator-cli is not installed (run `npm ci`)");
    return false;
  }
  log(`  downloading openapi-generator ${cfg.version} with the npm wrapper ...`);
  // The wrapper takes its working directory from $PWD (then INIT_CWD, then cwd()) and
  // resolves openapitools.json and storageDir against it: pin both explicitly.
  const r = spawnSync(process.execPath, [main, "--openapitools", cfg.file, "version"], {
    cwd: REPO_ROOT,
    env: { ...process.env, PWD: REPO_ROOT, OPENAPI_GENERATOR_CLI_SEARCH_URL: "DEFAULT" },
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

/**
 * Make sure the pinned jar is on disk and return { version, jarPath, downloaded }.
 * Throws JarError with a readable message when it cannot be had.
 */
export async function ensureGeneratorJar({ log = (m) => console.error(m), root = REPO_ROOT } = {}) {
  const cfg = readGeneratorConfig(root);
  if (fs.existsSync(cfg.jarPath) && fs.statSync(cfg.jarPath).size > 0) {
    return { version: cfg.version, jarPath: cfg.jarPath, downloaded: false };
  }
  const attempts = [
    ["npm wrapper", downloadWithWrapper],
    ["Maven", downloadWithMaven],
  ];
  const problems = [];
  for (const [name, fetchJar] of attempts) {
    try {
      if (!fetchJar(cfg, log)) {
        problems.push(`${name}: no jar`);
        continue;
      }
      await checkFetchedJar(cfg.jarPath, cfg, log);
      log(`  openapi-generator ${cfg.version} -> ${path.relative(root, cfg.jarPath)}`);
      return { version: cfg.version, jarPath: cfg.jarPath, downloaded: true };
    } catch (err) {
      if (err instanceof JarError && /cannot run java/.test(err.message)) throw err;
      problems.push(`${name}: ${err.message}`);
      log(`  ${name}: ${err.message}`);
    }
  }
  throw new JarError(
    `could not get openapi-generator ${cfg.version} (${GROUP_ID}:${ARTIFACT_ID}) into ${cfg.jarPath}:\n  - ` +
      problems.join("\n  - "),
  );
}
