// The browser bundle of the client entry, measured: what a web app pays to use the package.
//
// Shared by `npm run size` (scripts/size.mjs) and test/package/size.test.ts, so the figure the
// script prints is the one the test holds to the limit. The bundle is built as an app's bundler
// would for a browser: everything inlined (no externals), minified, ESM, browser conditions.

import { gzipSync, constants as zlibConstants } from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, transform } from "esbuild";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The most a browser app may pay, gzipped, for the client entry (issue 10): `npm run size` exits 1
 * above it, and test/package/size.test.ts fails. History: 96 kB before issue 10; 15.3 kB after it;
 * 17.6 kB once issue 13 put the retry policy, credential providers, the response limit and
 * redaction on the portable path; 12.0 kB (12,244 bytes) on 2026-12-01, after a size pass over
 * every module and with the environment, the default User-Agent and the response limit left to
 * the Node entry. Growth past it is a decision to take, not drift.
 */
export const GZIP_LIMIT_BYTES = 12 * 1024;

/** The compiled client entry of `npm run build`. */
export const BUILT_ENTRY = path.join(REPO_ROOT, "out/lib/src/index.js");

/** esbuild's options for every measured bundle; the browser test builds its page's bundle with them too. */
export const BROWSER_BUNDLE_OPTIONS = Object.freeze({ bundle: true, minify: true, platform: "browser", format: "esm" });

export class BundleError extends Error {}

const gzipSize = (bytes) => gzipSync(bytes, { level: zlibConstants.Z_BEST_COMPRESSION }).length;

async function measure(buildOptions, label) {
  let result;
  try {
    result = await build({ ...BROWSER_BUNDLE_OPTIONS, ...buildOptions, write: false, metafile: true, logLevel: "silent", outfile: "bundle.js" });
  } catch (error) {
    // esbuild's failure lists every unresolved import (node: builtins, say) with where it is.
    const messages = (error.errors ?? []).map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}: ` : ""}${e.text}`);
    throw new BundleError(`the browser bundle of ${label} does not build:\n${messages.join("\n") || String(error)}`);
  }
  const output = result.outputFiles.find((file) => file.path.endsWith(".js"));
  if (output === undefined) throw new BundleError(`esbuild wrote no JavaScript for ${label}`);
  const [meta] = Object.values(result.metafile.outputs);
  const inputs = Object.entries(meta.inputs)
    .map(([file, { bytesInOutput }]) => ({ file, bytes: bytesInOutput }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  // Nothing is marked external, so esbuild fails on an import it cannot inline; this list shows that none slipped through.
  const externals = meta.imports.filter((entry) => entry.external).map((entry) => entry.path);
  return { label, minifiedBytes: output.contents.length, gzipBytes: gzipSize(output.contents), inputs, externals, code: output.text };
}

/** The bundle of a module file (by default the compiled client entry, which must have been built). */
export function measureEntry(entry = BUILT_ENTRY) {
  return measure({ entryPoints: [entry], absWorkingDir: REPO_ROOT }, path.relative(REPO_ROOT, entry));
}

/** The bundle of an installed package's whole public surface, resolved from the repository like an app's import. */
export function measurePackage(name) {
  return measure(
    { stdin: { contents: `export * from ${JSON.stringify(name)};\nexport { default } from ${JSON.stringify(name)};\n`, resolveDir: REPO_ROOT, sourcefile: `${name}-entry.js` }, absWorkingDir: REPO_ROOT },
    name,
  );
}

/**
 * Input files grouped by package ("openapi-fetch", "ajv", ...) or, for the repository's own, by
 * second level ("src/api", "generated/validators.js"); with `byFile`, each of the repository's
 * own files on its own ("src/api/invoke.js"), which is what a budget per module needs.
 */
export function bytesByOrigin(inputs, { byFile = false } = {}) {
  const totals = new Map();
  for (const { file, bytes } of inputs) {
    const parts = file.split(/[\\/]/);
    const nm = parts.lastIndexOf("node_modules");
    let origin;
    if (nm !== -1) origin = parts[nm + 1]?.startsWith("@") ? `${parts[nm + 1]}/${parts[nm + 2]}` : parts[nm + 1];
    else {
      const src = parts.findIndex((part) => part === "src" || part === "generated");
      origin = src === -1 ? file : parts.slice(src, byFile ? undefined : src + 2).join("/");
    }
    totals.set(origin, (totals.get(origin) ?? 0) + bytes);
  }
  return [...totals].map(([origin, bytes]) => ({ origin, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/**
 * Per origin (as bytesByOrigin groups files), the gzip bytes the bundle would lose without that
 * origin's code: what gzip charges for it, given the rest (repeated names and strings cost little).
 * The bundle is built with minified names and syntax but kept whitespace, so that esbuild marks
 * each module with a `// path` comment; one origin's modules are cut out, the remainder (which no
 * longer runs, but still parses) minified and gzipped. Exact for the figure's own text only up to
 * esbuild's choice of short names, which is why totals are not compared with gzipBytes.
 */
export async function gzipShareByOrigin(entry = BUILT_ENTRY, { byFile = false } = {}) {
  const result = await build({
    ...BROWSER_BUNDLE_OPTIONS,
    minify: false,
    minifySyntax: true,
    minifyIdentifiers: true,
    entryPoints: [entry],
    absWorkingDir: REPO_ROOT,
    write: false,
    logLevel: "silent",
    outfile: "bundle.js",
  });
  // The closing export statement names bindings of every module, so it goes before any is cut out.
  const text = result.outputFiles[0].text.replace(/^export \{[^}]*\};?\s*$/m, "");
  const modules = text.split(/^(?=\/\/ \S+$)/m).map((code) => {
    const file = /^\/\/ (\S+)$/m.exec(code.split("\n", 1)[0])?.[1];
    return { code, origin: file === undefined ? undefined : bytesByOrigin([{ file, bytes: 1 }], { byFile })[0].origin };
  });
  const gzipOf = async (code) => gzipSize((await transform(code, { minifyWhitespace: true, format: "esm", logLevel: "silent" })).code);
  const whole = await gzipOf(text);
  const shares = [];
  for (const origin of new Set(modules.map((m) => m.origin).filter((o) => o !== undefined))) {
    const rest = modules.filter((m) => m.origin !== origin).map((m) => m.code).join("");
    shares.push({ origin, gzipBytes: whole - (await gzipOf(rest)) });
  }
  return shares.sort((a, b) => b.gzipBytes - a.gzipBytes);
}

export const formatKiB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
