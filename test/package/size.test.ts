/**
 * The client entry bundles for a browser with nothing left external, within GZIP_LIMIT_BYTES
 * (12 kB gzip, issue 10's target). Measured on this run's compiled package by the function that
 * `npm run size` prints, so a failure here reads the same as the script's figure.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { GZIP_LIMIT_BYTES, bytesByOrigin, formatKiB, measureEntry } from "../../scripts/lib/bundle-size.mjs";
import { compiledDir } from "../support/compile.js";

describe("the browser bundle of the client entry", () => {
  test(`builds with no externals and is at most ${GZIP_LIMIT_BYTES} bytes gzipped`, async () => {
    const bundle = await measureEntry(join(compiledDir(), "src/index.js"));
    // measureEntry throws, naming each import, when esbuild cannot inline one (a node: builtin, say).
    expect(bundle.externals).toEqual([]);
    const contributors = bytesByOrigin(bundle.inputs).map(({ origin, bytes }) => `${origin} ${formatKiB(bytes)}`).join(", ");
    expect(bundle.gzipBytes, `gzip ${formatKiB(bundle.gzipBytes)}, minified ${formatKiB(bundle.minifiedBytes)}: ${contributors}`).toBeLessThanOrEqual(GZIP_LIMIT_BYTES);
  });
});
