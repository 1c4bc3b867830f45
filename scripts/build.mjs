#!/usr/bin/env node
// `npm run build`: the shipped package in out/lib, as test/support/compile.ts builds it for the tests.
//
//   Node        esbuild bundles the package's Node entry (index.node) into one file: loading some
//               thirty ES modules one by one was most of the import cost (2.5x a bare
//               `node -e ""`), and one file loads faster than four. ./config and ./emulator are
//               bundled beside it and import the classes whose identity matters (the errors,
//               Secret) from that file, so each exists once and `instanceof` holds between them.
//   CLI         a CommonJS bin (main.cjs) that prints the top-level help and version the build
//               stored (precomputeAnswers) or imports the program (run.js), bundled on its own;
//               the program imports the built Node entries (publicEntriesOnly).
//   Portable    the "default" entry, module by module, for the user's bundler (PORTABLE_ENTRY_POINT).
//   Types       tsc with tsconfig.build.json, declarations only, in the same layout as before
//               (out/lib/src/**/*.d.ts, out/lib/generated/*.d.ts).
//   Nothing is minified, so that stack traces stay readable (the size measurement minifies).
//
//   node scripts/build.mjs [--out-dir <dir>] [--no-declarations]

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify, parseArgs } from "node:util";
import { build } from "esbuild";

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DEFAULT_OUT_DIR = path.join(REPO_ROOT, "out/lib");

/**
 * The entries Node loads (through the "node" condition and the ./config and ./emulator
 * subpaths). Each becomes out/lib/<same path>.js; the first is one file, which the other two
 * import for the modules of SHARED_FROM_NODE_ENTRY.
 */
export const NODE_ENTRY_POINTS = Object.freeze(["src/index.node.ts", "src/config/index.ts", "src/emulator/index.ts"]);
/**
 * The modules whose exports must exist once across the entries (a ModelArtsConfigError from
 * ./config is `instanceof` the Node entry's; a Secret given to the emulator is the package's;
 * both entries hand out one resolveContext): ./config and ./emulator import them from the built
 * Node entry, which exports every name they define (esbuild fails the build on one it does not).
 * Their other modules may be bundled twice: nothing else in them has identity.
 */
const SHARED_FROM_NODE_ENTRY = Object.freeze(["src/errors.ts", "src/auth/secret.ts", "src/config/resolve.ts"]);

/** Points ./config's and ./emulator's imports of SHARED_FROM_NODE_ENTRY at the built Node entry. */
function fromNodeEntry(outDir) {
  const shared = new Set(SHARED_FROM_NODE_ENTRY.map((file) => path.join(REPO_ROOT, file)));
  const nodeEntry = path.join(outDir, "src/index.node.js");
  return {
    name: "from-node-entry",
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.pluginData?.resolving) return undefined;
        const result = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { resolving: true } });
        if (!shared.has(result.path)) return undefined;
        // Relative to the output file that will hold the import: the entry's own, as nothing is split.
        const entryOut = path.join(outDir, path.relative(REPO_ROOT, build.initialOptions.entryPoints[0])).replace(/\.ts$/, ".js");
        const relative = path.relative(path.dirname(entryOut), nodeEntry).split(path.sep).join("/");
        return { path: relative.startsWith(".") ? relative : `./${relative}`, external: true };
      });
    },
  };
}

/**
 * The portable entry (the "default" condition: browsers, Workers, bundlers that target them),
 * shipped module by module as before, each source file of its graph compiled on its own. Node
 * never loads it (the "node" condition comes first for import and require alike, and ./config
 * and ./emulator, which it would have to share classes with, run only on Node), so its start-up
 * does not matter; a user's bundler does, and with one file per module and "sideEffects" it
 * drops every module an app does not use (a bundle of signRequestAsync alone is a few kB, where
 * one bundled file would bring the whole client).
 */
export const PORTABLE_ENTRY_POINT = "src/index.ts";
/**
 * The bin: a CommonJS file, since Node's ES module loader, which a bare `node -e ""` never
 * starts, costs about as much as the rest of a precomputed `--help` together (and reads each
 * file on the thread pool, which a busy machine makes wait). It prints a precomputed answer or
 * imports the program.
 */
export const CLI_BIN_ENTRY_POINT = "src/cli/main.ts";
/** The program: ES modules like the library it imports, built on its own into out/lib/src/cli/ with the chunks only it loads. */
export const CLI_PROGRAM_ENTRY_POINT = "src/cli/run.ts";
const CLI_SOURCE_DIR = path.join(REPO_ROOT, "src/cli");
/** Two constants the CLI may bundle a copy of (its --version), although they are the library's too. */
const VERSION_SOURCE = path.join(REPO_ROOT, "generated/version.ts");

const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));

/**
 * The runtime dependencies stay imports, resolved from the user's node_modules: they are
 * installed once and shared with whatever else the user has that needs them (commander,
 * yaml), npm can bring their fixes within the pinned version's range, and the user's own
 * bundler sees them as the packages they are. Node's builtins are never bundled on platform
 * "node".
 */
export const EXTERNAL = Object.freeze(Object.keys(manifest.dependencies ?? {}));

/**
 * The exception: openapi-fetch is bundled into what Node loads. It is in maintenance (no release
 * will come to share or to pick up), and resolving it by name from node_modules was a tenth of the
 * import's cost over bare Node (scripts/bench-startup.ts; 4-10 ms of in-process import time, side
 * by side). It stays a dependency: the declarations (`client.raw`) and the portable entry, which
 * the user's bundler resolves, import it by name.
 */
export const INLINED_IN_NODE_BUILD = Object.freeze(["openapi-fetch"]);
const NODE_EXTERNAL = Object.freeze(EXTERNAL.filter((name) => !INLINED_IN_NODE_BUILD.includes(name)));

/** Keeps an inlined package's license with its code: a legal comment (`/*!`), which esbuild carries into the output. */
const inlinedLicenses = {
  name: "inlined-licenses",
  setup(build) {
    build.onLoad({ filter: /node_modules[\\/]openapi-fetch[\\/]dist[\\/][^\\/]+\.mjs$/ }, async (args) => {
      const root = path.join(path.dirname(args.path), "..");
      const { name, version, license } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
      const copyright = readFileSync(path.join(root, "LICENSE"), "utf8").match(/^Copyright .*$/m)?.[0] ?? "";
      const contents = readFileSync(args.path, "utf8");
      return { contents: `/*! ${name} ${version} | ${license} License | ${copyright} */\n${contents}`, loader: "js" };
    });
  },
};

const COMMON_OPTIONS = Object.freeze({
  absWorkingDir: REPO_ROOT,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  external: EXTERNAL,
  minify: false,
  sourcemap: false,
  logLevel: "warning",
});

/**
 * package.json's "sideEffects" describes the shipped files, for the user's bundler. Read
 * against the sources, it would call every module side-effect free and make this build drop
 * one imported only for its effect (auth/signer-node.ts, in index.node.ts): here every source
 * module keeps its imports, and only esbuild's own analysis and @__PURE__ marks decide.
 */
const sourcesMayHaveEffects = {
  name: "sources-may-have-effects",
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData?.resolving) return undefined;
      const result = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { resolving: true } });
      if (result.errors.length > 0) return { errors: result.errors };
      return { path: result.path, external: result.external, sideEffects: true };
    });
  },
};

/**
 * The CLI reaches the library only through its public entries (test/cli/startup.test.ts
 * checks the sources). In the built CLI those imports stay imports of the built entry files,
 * so the CLI and a program that imports the package share one copy of each class, and the
 * library's entries remain the only files whose loading has an effect (the Node signer
 * registers itself in index.node.js): "sideEffects" in package.json can name them. Every file
 * of the CLI's build lands in out/lib/src/cli/, so one relative path reaches each entry.
 */
function publicEntriesOnly(outDir) {
  const entries = new Map(NODE_ENTRY_POINTS.map((entry) => [path.join(REPO_ROOT, entry), path.join(outDir, entry.replace(/\.ts$/, ".js"))]));
  const cliOutDir = path.join(outDir, "src/cli");
  return {
    name: "cli-imports-public-entries",
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const source = path.resolve(args.resolveDir, args.path).replace(/\.js$/, ".ts");
        if (source.startsWith(CLI_SOURCE_DIR + path.sep) || source === VERSION_SOURCE) return undefined;
        const built = entries.get(source);
        if (built === undefined) {
          return { errors: [{ text: `${path.relative(REPO_ROOT, args.importer)} imports ${args.path}: the CLI may import the library only through its Node entries (${NODE_ENTRY_POINTS.join(", ")}), or that code would exist twice` }] };
        }
        return { path: `./${path.relative(cliOutDir, built).split(path.sep).join("/")}`.replace(/^\.\/\.\.\//, "../"), external: true };
      });
    },
  };
}

/** The esbuild options of each of the three builds, writing into `outDir`. */
export function buildOptions(outDir = DEFAULT_OUT_DIR) {
  return {
    node: {
      ...COMMON_OPTIONS,
      external: NODE_EXTERNAL,
      entryPoints: [NODE_ENTRY_POINTS[0]],
      outfile: path.join(outDir, NODE_ENTRY_POINTS[0].replace(/\.ts$/, ".js")),
      plugins: [sourcesMayHaveEffects, inlinedLicenses],
    },
    // One build per subpath, so that each import of the Node entry is relative to its own file.
    nodeSubpaths: NODE_ENTRY_POINTS.slice(1).map((entry) => ({
      ...COMMON_OPTIONS,
      external: NODE_EXTERNAL,
      entryPoints: [entry],
      outfile: path.join(outDir, entry.replace(/\.ts$/, ".js")),
      plugins: [fromNodeEntry(outDir), sourcesMayHaveEffects, inlinedLicenses],
    })),
    // The modules of the portable graph are found by bundling it (portableModules); platform "neutral": a Node builtin there fails the build.
    portable: { ...COMMON_OPTIONS, entryPoints: [PORTABLE_ENTRY_POINT], outbase: ".", outdir: outDir, platform: "neutral", target: "es2022", plugins: [sourcesMayHaveEffects] },
    cliBin: { ...COMMON_OPTIONS, entryPoints: [CLI_BIN_ENTRY_POINT], outfile: path.join(outDir, "src/cli/main.cjs"), format: "cjs", external: ["./run.js"], plugins: [sourcesMayHaveEffects] },
    cli: { ...COMMON_OPTIONS, entryPoints: [CLI_PROGRAM_ENTRY_POINT], outdir: path.join(outDir, "src/cli"), splitting: true, chunkNames: "[name]-[hash]", plugins: [publicEntriesOnly(outDir), sourcesMayHaveEffects] },
  };
}

/**
 * The one-argument command lines whose output src/cli/main.ts prints without loading the
 * program: top-level help and version. Commander and the command tree cost more than the rest
 * of such a run together, and `--help` is what a new user and every script's `--help | grep`
 * start with.
 */
export const PRECOMPUTED_COMMAND_LINES = Object.freeze(["--help", "-h", "help", "--version", "-V"]);
/** Commander wraps help to 80 columns when stdout is not a terminal, which is how the build runs the program. */
const PRECOMPUTED_HELP_WIDTH = 80;

/**
 * Runs the built CLI (the full program: precomputed.json does not exist yet) for each of
 * PRECOMPUTED_COMMAND_LINES with stdout on a pipe, and writes what it printed to
 * out/lib/src/cli/precomputed.json. A run that does not exit 0 with nothing on stderr fails
 * the build: its answer is not a plain stdout text to replay.
 */
async function precomputeAnswers(outDir) {
  const cliDir = path.join(outDir, "src/cli");
  const file = path.join(cliDir, "precomputed.json");
  await rm(file, { force: true });
  const stdout = {};
  for (const arg of PRECOMPUTED_COMMAND_LINES) {
    const result = await promisify(execFile)(process.execPath, [path.join(cliDir, "main.cjs"), arg], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? "" } }).catch((error) => error);
    if (result.code !== undefined || result.stderr !== "") throw new Error(`modelarts-annotations ${arg} did not print a plain answer (exit ${result.code ?? 0}):\n${result.stderr}`);
    stdout[arg] = result.stdout;
  }
  await writeFile(file, `${JSON.stringify({ helpWidth: PRECOMPUTED_HELP_WIDTH, stdout }, null, 2)}\n`);
}

/** Every source file the portable entry loads, as esbuild sees them when it bundles the entry (without writing it). */
async function portableModules(options) {
  const { metafile } = await build({ ...options, write: false, metafile: true });
  return Object.keys(metafile.inputs).filter((file) => !file.split("/").includes("node_modules"));
}

/** Builds the JavaScript of every entry into `outDir` (esbuild), then precomputes the CLI's help. */
export async function buildJavaScript(outDir = DEFAULT_OUT_DIR) {
  const { node, nodeSubpaths, portable, cliBin, cli } = buildOptions(outDir);
  const compilePortable = async () => {
    const modules = await portableModules(portable);
    await build({ ...portable, entryPoints: modules, bundle: false, external: undefined, plugins: [] });
  };
  await Promise.all([build(node), ...nodeSubpaths.map((options) => build(options)), build(cliBin), build(cli), compilePortable()]);
  await precomputeAnswers(outDir);
}

/** Writes the type declarations into `outDir` (tsc, tsconfig.build.json: declarations only). */
export async function emitDeclarations(outDir = DEFAULT_OUT_DIR) {
  const tsc = path.join(REPO_ROOT, "node_modules/typescript/bin/tsc");
  try {
    await promisify(execFile)(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", outDir], { cwd: REPO_ROOT });
  } catch (error) {
    throw new Error(`tsc (declarations) failed:\n${error.stdout ?? ""}${error.stderr ?? ""}`.trimEnd());
  }
}

/** The whole package into an empty `outDir`: JavaScript and, unless told otherwise, declarations. */
export async function buildPackage(outDir = DEFAULT_OUT_DIR, { declarations = true } = {}) {
  await rm(outDir, { recursive: true, force: true });
  await Promise.all([buildJavaScript(outDir), declarations ? emitDeclarations(outDir) : undefined]);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { "out-dir": { type: "string" }, "no-declarations": { type: "boolean", default: false } } });
  await buildPackage(values["out-dir"] === undefined ? DEFAULT_OUT_DIR : path.resolve(values["out-dir"]), { declarations: !values["no-declarations"] });
}
