/**
 * The package as a user installs it (`npm run test:package`): `npm pack`, then `npm install
 * <tarball>` into an empty project, and from there
 *   - the install itself: how many packages and bytes a client-only user gets, and that npm prints no warning;
 *   - the types: a consumer that uses every export type-checks under `strict` and `skipLibCheck:
 *     false`, with moduleResolution node16 and bundler, and its `@ts-expect-error` lines all meet errors;
 *   - the consumer, compiled, run against the installed emulator;
 *   - `require()` of the package from CommonJS;
 *   - one copy of each class across the entries (`instanceof` holds between them);
 *   - a single-file esbuild bundle of `createClient` run in a folder with no node_modules.
 * Type checking uses this repository's pinned TypeScript (and @types/node for the consumer's
 * node: imports) from outside the project, so the footprint counted is the package's alone.
 *
 * MODELARTS_PACKAGE_TARBALL=<path.tgz> checks that tarball instead of packing this checkout
 * (how the note's run against an older commit's tarball was made).
 */
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const consumerSources = path.join(import.meta.dirname, "consumer");
const tsc = path.join(root, "node_modules/typescript/bin/tsc");
const MAX_PACKAGES = 8;
const MAX_BYTES = 2 * 1024 * 1024;

// npm passes its own settings to scripts as npm_* variables; the user's npm would not see ours.
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, NO_UPDATE_NOTIFIER: "1", ...extra };
}

async function packages(nodeModules: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(nodeModules, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const dirs = entry.name.startsWith("@")
      ? (await readdir(path.join(nodeModules, entry.name))).map((name) => path.join(nodeModules, entry.name, name))
      : [path.join(nodeModules, entry.name)];
    for (const dir of dirs) {
      found.push(path.relative(nodeModules, dir));
      found.push(...(await packages(path.join(dir, "node_modules"))).map((nested) => `${path.relative(nodeModules, dir)}>${nested}`));
    }
  }
  return found;
}

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await bytesUnder(full);
    else if (entry.isFile()) total += (await stat(full)).size;
  }
  return total;
}

let work: string;
let app: string;
let tarball: string;
let installOutput: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "package-user-"));
  app = path.join(work, "app");
  await mkdir(app);
  if (process.env.MODELARTS_PACKAGE_TARBALL) {
    tarball = path.resolve(process.env.MODELARTS_PACKAGE_TARBALL);
  } else {
    // prepack builds out/lib first, as it does before a publish.
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: root, env: userEnv(), maxBuffer: 16 * 1024 * 1024 });
    const packed = JSON.parse(stdout.slice(stdout.indexOf("["))) as [{ filename: string }];
    tarball = path.join(work, packed[0].filename);
  }
  await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }, null, 2));
  const { stdout, stderr } = await run("npm", ["install", tarball, "--no-audit", "--no-fund"], { cwd: app, env: userEnv() });
  installOutput = stdout + stderr;
  await cp(consumerSources, path.join(app, "src"), { recursive: true });
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the packed package, installed into an empty project", () => {
  it(`is a client-only install of at most ${MAX_PACKAGES} packages and ${MAX_BYTES / 1024 / 1024} MB, and npm prints no warning`, async () => {
    const installed = await packages(path.join(app, "node_modules"));
    const bytes = await bytesUnder(path.join(app, "node_modules"));
    console.log(`installed footprint: ${installed.length} packages, ${bytes} bytes (${(bytes / 1024 / 1024).toFixed(2)} MB): ${installed.join(", ")}`);
    expect(installOutput).not.toMatch(/\bwarn\b|EBADENGINE|install script/i);
    expect(installed.length).toBeLessThanOrEqual(MAX_PACKAGES);
    expect(bytes).toBeLessThanOrEqual(MAX_BYTES);
  });

  it("ships no source maps, one bundled spec, a LICENSE and no install script", async () => {
    const pkgDir = path.join(app, "node_modules/modelarts-data-annotations");
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) await walk(path.join(dir, entry.name));
        else files.push(path.relative(pkgDir, path.join(dir, entry.name)));
      }
    };
    await walk(pkgDir);
    expect(files.filter((file) => file.endsWith(".map"))).toEqual([]);
    expect(files.filter((file) => path.basename(file) === "openapi.json")).toHaveLength(1);
    expect(files).toContain("LICENSE");
    const manifest = JSON.parse(await readFile(path.join(pkgDir, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    expect(Object.keys(manifest.scripts ?? {}).filter((name) => /^(pre|post)?install$|^prepare$/.test(name))).toEqual([]);
    // The project has no public repository or site yet, so neither the manifest nor the spec may name one (a URL that points nowhere).
    const spec = JSON.parse(await readFile(path.join(pkgDir, "generated/openapi.json"), "utf8")) as { info: { contact?: { url?: string } } };
    expect(spec.info.contact?.url).toBeUndefined();
    expect(manifest).not.toHaveProperty("repository");
    expect(manifest).not.toHaveProperty("homepage");
  });

  for (const resolution of ["node16", "bundler"] as const) {
    it(`type-checks a consumer of every export under strict, skipLibCheck false, moduleResolution ${resolution}; each @ts-expect-error meets an error`, async () => {
      const tsconfig = {
        compilerOptions: {
          target: "ES2022",
          module: resolution === "node16" ? "node16" : "esnext",
          moduleResolution: resolution,
          lib: ["ES2022", "DOM", "DOM.Iterable"],
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          typeRoots: [path.join(root, "node_modules/@types")],
          types: ["node"],
        },
        files: ["src/consumer.ts"],
      };
      const config = path.join(app, `tsconfig.${resolution}.json`);
      await writeFile(config, JSON.stringify(tsconfig, null, 2));
      // A tsc that fails without a diagnostic on stdout (it could not start, a bad config) must fail the test too.
      const result = await run(process.execPath, [tsc, "-p", config], { cwd: app }).then(
        ({ stdout, stderr }) => ({ stdout, stderr, failed: false }),
        (error: { stdout: string; stderr: string }) => ({ stdout: error.stdout, stderr: error.stderr, failed: true }),
      );
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe("");
      expect(result.failed).toBe(false);
    }, 120_000);
  }

  it("the compiled consumer drives the installed emulator through every helper", async () => {
    const config = path.join(app, "tsconfig.build.json");
    await writeFile(
      config,
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", strict: true, skipLibCheck: false, outDir: "dist", typeRoots: [path.join(root, "node_modules/@types")], types: ["node"] },
        files: ["src/consumer.ts"],
      }),
    );
    await run(process.execPath, [tsc, "-p", config], { cwd: app });
    const { stdout } = await run(process.execPath, [path.join(app, "dist/consumer.js")], { cwd: app });
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({
      started: { is_success: true },
      settledStatus: 1,
      polled: true,
      listed: ["obs://bucket/cats/a.jpg", "obs://bucket/cats/b.jpg", "obs://bucket/cats/c.jpg"],
      modified: { is_success: true },
      tagCounts: ["cat=3"],
      tags: ["cat"],
      one: ["cat"],
      several: true,
      page: 3,
      failure: "ModelArts.4338",
      success: false,
      validationError: { name: "ModelArtsValidationError", parameter: "per_page", isModelArtsError: true },
      authorization: "SDK-HMAC-SHA256",
      sameSignatureAsync: true,
      errorClasses: 7,
    });
  }, 120_000);

  it("require() works from CommonJS (Node 20.19+ loads the ES modules)", async () => {
    const { stdout, stderr } = await run(process.execPath, [path.join(app, "src/require.cjs")], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({ status: { is_success: true, sync_status: 0 }, errorClass: "function" });
    expect(stderr).not.toMatch(/ERR_|Error/);
  });

  it("has one copy of each class across its entries: an error thrown through ./config is instanceof the main entry's class", async () => {
    const { stdout } = await run(process.execPath, [path.join(app, "src/classes.mjs")], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({ name: "ModelArtsConfigError", isConfigError: true, isModelArtsError: true, oneResolveContext: true, requireGivesTheSameClass: true });
  });

  it("a Node bundle of signRequest alone signs synchronously: the user's bundler keeps the Node signer's registration", async () => {
    const { build } = await import("esbuild");
    const outfile = path.join(work, "sign-only/index.mjs");
    await build({ entryPoints: [path.join(app, "src/sign-only.mjs")], absWorkingDir: app, bundle: true, platform: "node", format: "esm", target: "node20", outfile, logLevel: "silent" });
    const { stdout } = await run(process.execPath, [outfile], { cwd: work });
    expect(JSON.parse(stdout)).toEqual(["X-Sdk-Date", "Authorization"]);
  });

  it("createClient works from a single-file esbuild bundle with no node_modules beside it", async () => {
    const deploy = path.join(work, "deploy");
    await mkdir(deploy);
    const { build } = await import("esbuild");
    await build({
      entryPoints: [path.join(app, "src/bundled.mjs")],
      absWorkingDir: app,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile: path.join(deploy, "index.mjs"),
      logLevel: "silent",
    });
    expect(await readdir(deploy)).toEqual(["index.mjs"]);
    const requireFromApp = createRequire(path.join(app, "package.json"));
    const { startEmulator } = (await import(pathToFileURL(requireFromApp.resolve("modelarts-data-annotations/emulator")).href)) as typeof import("../../src/emulator/index.js");
    const emulator = await startEmulator({
      port: 0,
      obsRoot: work,
      credentials: [{ ak: "CONSUMERAK00000001", sk: "consumer-sk" }],
      jobs: [{ id: "282", name: "cats", data_path: "obs://bucket/cats/", type: 0 }],
    });
    try {
      const { stdout } = await run(process.execPath, [path.join(deploy, "index.mjs")], { cwd: deploy, env: { PATH: process.env.PATH ?? "", EMULATOR_URL: emulator.url } });
      const version = JSON.parse(await readFile(path.join(app, "node_modules/modelarts-data-annotations/package.json"), "utf8")).version as string;
      expect(JSON.parse(stdout)).toEqual({
        status: { is_success: true, sync_status: 0 },
        userAgent: expect.stringMatching(new RegExp(`^modelarts-data-annotations/${version.replace(/\./g, "\\.")} node/`)),
        signed: true,
      });
    } finally {
      await emulator.close();
    }
  });
});
