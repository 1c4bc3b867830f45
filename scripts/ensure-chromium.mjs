#!/usr/bin/env node
// Make sure Debian's Chromium is installed and return its path.
//
// Browser tests drive Debian's `chromium` package through playwright-core: playwright's own
// browser download (and puppeteer's) cannot reach its hosts here, while Debian's archive is one
// of the package registries every machine of the project (and CI, as root, without stdin) has.
//
//   node scripts/ensure-chromium.mjs          # installs when missing, prints the path and version
//   import { ensureChromium } from "./scripts/ensure-chromium.mjs"; const exe = ensureChromium();

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { fileURLToPath } from "node:url";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export class ChromiumInstallError extends Error {}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(cmd, args, log) {
  log(`$ ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, {
    // Other jobs on a shared machine may hold the dpkg lock: wait for it instead of failing.
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new ChromiumInstallError(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-15).join("\n");
    throw new ChromiumInstallError(`${cmd} ${args.join(" ")} exited ${r.status}:\n${tail}`);
  }
  return r.stdout;
}

/**
 * Return the path of Debian's Chromium, installing the `chromium` package with apt-get first if
 * it is missing (`apt-get update` once, then `apt-get install -y chromium`). Needs root, as on
 * the project's machines and in CI. Throws ChromiumInstallError saying what failed.
 */
export function ensureChromium({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  if (isExecutable(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.platform !== "linux" || !isExecutable("/usr/bin/apt-get")) {
    throw new ChromiumInstallError(`${CHROMIUM_PATH} is missing and there is no apt-get to install Debian's chromium package`);
  }
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    throw new ChromiumInstallError(`${CHROMIUM_PATH} is missing; install it as root: apt-get update && apt-get install -y chromium`);
  }
  log(`${CHROMIUM_PATH} is missing: installing Debian's chromium package`);
  const lockWait = ["-o", "DPkg::Lock::Timeout=900"];
  run("apt-get", [...lockWait, "update"], log);
  run("apt-get", [...lockWait, "install", "-y", "chromium"], log);
  if (!isExecutable(CHROMIUM_PATH)) {
    throw new ChromiumInstallError(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  }
  return CHROMIUM_PATH;
}

/** `chromium --version`, e.g. "Chromium 142.0.7444.175 built on Debian ...". */
export function chromiumVersion(exe = CHROMIUM_PATH) {
  const r = spawnSync(exe, ["--version"], { encoding: "utf8" });
  return (r.stdout || r.stderr || "").trim();
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const exe = ensureChromium();
    console.log(`${exe}: ${chromiumVersion(exe)}`);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
