#!/usr/bin/env node
// Build the static reference docs into out/docs/ (or --out <dir>):
//   index.html   the spec rendered by Redocly's build-docs, with the Redoc bundle inlined, so the
//                page opens from disk with no request to any other host (no CDN script, no web font);
//   api/         the TypeScript client's API reference (typedoc), built with warnings as errors.
//
//   npm run docs [-- --out <dir>]
//
// Both tools run from node_modules: nothing is fetched. After the build, the HTML is checked for
// anything that would load from outside (script/link/img/iframe sources, CSS url()/@import);
// one such reference fails the build, naming it.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(REPO_ROOT, "node_modules", ".bin");

class DocsError extends Error {}

/**
 * Remote images that Redoc's inlined bundle still loads when the page opens: its sidebar
 * attribution ("API docs by" + logo) fetches the Redocly logo from Redocly's CDN, with no option
 * to turn it off. Each is replaced by a local data: image with the same wording; the attribution
 * link itself stays (following a link is the reader's choice, not a load).
 */
const REMOTE_ASSETS = [/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g];
const LOCAL_LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="16"><text x="0" y="12" font-family="sans-serif" font-size="12" fill="#0044D4">Redocly</text></svg>',
)}`;

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, {
    cwd: REPO_ROOT,
    encoding: "utf8",
    // Redocly's CLI otherwise reports usage and looks for updates over the network.
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1", ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new DocsError(`${path.basename(cmd)} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new DocsError(`${path.basename(cmd)} ${args.join(" ")} exited ${r.status}:\n${(r.stdout + r.stderr).trim()}`);
  return `${r.stdout}${r.stderr}`;
}

/**
 * References in an HTML file that a browser would load from another host: returns them as
 * "tag attr=url" strings. Links the reader follows (<a href>) are not loads and are allowed.
 */
export function externalLoads(html) {
  const found = [];
  const external = (url) => /^(https?:)?\/\//i.test(url.trim());
  const tags = /<(script|link|img|iframe|source|video|audio|embed|object)\b([^>]*)>/gi;
  for (const [, tag, attrs] of html.matchAll(tags)) {
    for (const [, attr, doubleQuoted, singleQuoted, bare] of attrs.matchAll(/\b(src|href|data|srcset)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
      const url = doubleQuoted ?? singleQuoted ?? bare ?? "";
      if (tag.toLowerCase() === "link" && /rel\s*=\s*["']?(canonical|license|author|help)/i.test(attrs)) continue;
      if (external(url)) found.push(`<${tag} ${attr}=${url}>`);
    }
  }
  // CSS in <style> blocks and style attributes: url(...) and @import.
  for (const [, url] of html.matchAll(/url\(\s*["']?((?:https?:)?\/\/[^"')\s]+)/gi)) found.push(`css url(${url})`);
  for (const [, url] of html.matchAll(/@import\s+(?:url\()?\s*["']((?:https?:)?\/\/[^"']+)/gi)) found.push(`css @import ${url}`);
  return [...new Set(found)];
}

function buildReference(outDir) {
  const target = path.join(outDir, "index.html");
  const spec = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "generated", "openapi.json"), "utf8"));
  run(path.join(BIN, "redocly"), [
    "build-docs",
    "spec/openapi.yaml",
    "--inlineBundle",
    "--title",
    spec.info?.title ?? "API reference",
    "-o",
    target,
  ]);
  let html = fs.readFileSync(target, "utf8");
  for (const asset of REMOTE_ASSETS) html = html.replace(asset, LOCAL_LOGO);
  fs.writeFileSync(target, html);
  const loads = externalLoads(html);
  // URLs inside the inlined scripts are only strings here (the bundle also names icon CDNs it uses
  // for icons this spec has none of): whether the page loads any of them is what the browser test
  // (test/review/docs.test.ts) checks, with every request outside file: blocked and recorded.
  if (loads.length > 0) throw new DocsError(`${target} would load from other hosts:\n  ${loads.join("\n  ")}`);
  return target;
}

async function buildTypeScriptReference(outDir) {
  const target = path.join(outDir, "api");
  // The spec's types (generated/schema.ts) carry openapi-typescript's @description and @enum
  // tags; TypeDoc is told they are block tags rather than warning on each one.
  const { OptionDefaults } = await import("typedoc");
  const blockTags = [...OptionDefaults.blockTags, "@description", "@enum"].flatMap((tag) => ["--blockTags", tag]);
  const log = run(path.join(BIN, "typedoc"), [
    ...blockTags,
    // Source links would point into a git remote; the reference is read from the artifact or a
    // local folder, and a clone's remote (a local path, in CI) is not a place a link can go.
    "--disableSources",
    "--plugin",
    "typedoc-plugin-missing-exports",
    "--entryPoints",
    "src/index.ts",
    "src/emulator/index.ts",
    "--tsconfig",
    "tsconfig.build.json",
    "--name",
    "modelarts-data-annotations",
    "--readme",
    "none",
    "--out",
    target,
    "--treatWarningsAsErrors",
    "--logLevel",
    "Warn",
  ]);
  if (/\[warning\]|\[error\]/.test(log)) throw new DocsError(`typedoc reported problems:\n${log}`);
  const loads = [];
  for (const file of fs.readdirSync(target, { recursive: true })) {
    if (String(file).endsWith(".html")) loads.push(...externalLoads(fs.readFileSync(path.join(target, String(file)), "utf8")).map((l) => `${file}: ${l}`));
  }
  if (loads.length > 0) throw new DocsError(`the TypeScript reference would load from other hosts:\n  ${loads.join("\n  ")}`);
  return path.join(target, "index.html");
}

async function main() {
  const { values } = parseArgs({ options: { out: { type: "string" } }, strict: true });
  const outDir = path.resolve(values.out ?? path.join(REPO_ROOT, "out", "docs"));
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const reference = buildReference(outDir);
  const api = await buildTypeScriptReference(outDir);
  console.log(`API reference:        ${path.relative(process.cwd(), reference)}`);
  console.log(`TypeScript reference: ${path.relative(process.cwd(), api)}`);
  console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s; no external loads`);
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`docs: ${err.message}`);
    process.exit(1);
  });
}
