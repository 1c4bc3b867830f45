#!/usr/bin/env node
// `npm run size`: the gzip size of the client entry's browser bundle, next to openapi-fetch's own,
// and exit 1 above the limit (GZIP_LIMIT_BYTES, 12 kB) or when the bundle does not build.
//
//   npm run size                # compiles src/ first (npm run build), then measures out/lib
//   npm run size -- --no-build  # measures out/lib as it is
//   npm run size -- --by-file   # contributors per module instead of per folder
//
// The build runs by default so that the figure is never that of stale JavaScript.

import { execFileSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { BUILT_ENTRY, BundleError, GZIP_LIMIT_BYTES, REPO_ROOT, bytesByOrigin, formatKiB, gzipShareByOrigin, measureEntry, measurePackage } from "./lib/bundle-size.mjs";

const { values } = parseArgs({ options: { "no-build": { type: "boolean", default: false }, top: { type: "string", default: "12" }, "by-file": { type: "boolean", default: false } } });

if (!values["no-build"]) {
  // The JavaScript of the build (scripts/build.mjs); the declarations do not change the figure.
  execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts/build.mjs"), "--no-declarations"], { cwd: REPO_ROOT, stdio: "inherit" });
}

let ours;
try {
  ours = await measureEntry(BUILT_ENTRY);
} catch (error) {
  if (!(error instanceof BundleError)) throw error;
  console.error(error.message);
  process.exit(1);
}
if (ours.externals.length > 0) {
  console.error(`the bundle still imports ${ours.externals.join(", ")}: it must build with no externals`);
  process.exit(1);
}
const openapiFetch = await measurePackage("openapi-fetch");

const row = (label, m) => `${label.padEnd(34)}${formatKiB(m.minifiedBytes).padStart(10)}${formatKiB(m.gzipBytes).padStart(10)}`;
console.log(`browser bundle of ${path.relative(REPO_ROOT, BUILT_ENTRY)} (esbuild --bundle --minify --platform=browser --format=esm, no externals; gzip -9)`);
console.log(`${"".padEnd(34)}${"minified".padStart(10)}${"gzip".padStart(10)}`);
console.log(row("modelarts-data-annotations", ours));
console.log(row("openapi-fetch alone", openapiFetch));
console.log(`ratio to openapi-fetch: ${(ours.gzipBytes / openapiFetch.gzipBytes).toFixed(1)}x gzip`);

// Gzip is what the limit counts, and it charges little for repeated text: the second column is
// what each origin's code costs there, measured by leaving it out.
const shares = new Map((await gzipShareByOrigin(BUILT_ENTRY, { byFile: values["by-file"] })).map(({ origin, gzipBytes }) => [origin, gzipBytes]));
console.log(`\nlargest contributors (minified bytes in the bundle; gzip bytes the bundle would lose without them):`);
for (const { origin, bytes } of bytesByOrigin(ours.inputs, { byFile: values["by-file"] }).slice(0, Number(values.top))) {
  console.log(`  ${formatKiB(bytes).padStart(9)}  ${formatKiB(shares.get(origin) ?? 0).padStart(8)} gz  ${origin}`);
}

const verdict = ours.gzipBytes <= GZIP_LIMIT_BYTES ? "within" : "OVER";
console.log(`\ngzip ${ours.gzipBytes} bytes (${formatKiB(ours.gzipBytes)}): ${verdict} the limit of ${GZIP_LIMIT_BYTES} bytes (${formatKiB(GZIP_LIMIT_BYTES)})`);
if (ours.gzipBytes > GZIP_LIMIT_BYTES) process.exit(1);
