/**
 * The package as a dependency sees it: the built JavaScript, not the TypeScript sources that
 * the other tests import, built by scripts/build.mjs into a folder laid out like out/lib
 * (test/support/compile.ts). Checks that package.json's exports point at real files of that layout, and makes a
 * signed call with the compiled client against the compiled emulator.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { compiledDeclarations, compiledDir } from "../support/compile.js";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
// Compiled once for the whole run by the global setup, with the build config.
const outDir = compiledDir();

describe("the compiled package", () => {
  it("has every file package.json's exports and bin name", async () => {
    await compiledDeclarations();
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
    const targets: string[] = [pkg.main, pkg.types, pkg.bin["modelarts-annotations"]];
    // Conditions nest ({ node: { types, default }, types, default }): every leaf is a file.
    const leaves = (entry: unknown): string[] => (typeof entry === "string" ? [entry] : Object.values(entry as Record<string, unknown>).flatMap(leaves));
    for (const entry of Object.values(pkg.exports as Record<string, unknown>)) targets.push(...leaves(entry));
    for (const target of targets) {
      const file = target.startsWith("./out/lib/") ? path.join(outDir, target.slice("./out/lib/".length)) : path.join(root, target);
      expect(existsSync(file), target).toBe(true);
    }
  }, 120_000);

  it("defines each error class once in the JavaScript Node loads, so instanceof holds across the entries and the CLI", async () => {
    // ./config and ./emulator import the classes from the Node entry's file, and the CLI imports the built entries; the
    // portable entry's modules (src/errors.js among them), which Node never loads, are the one other copy.
    const nodeEntries = ["src/index.node.js", "src/config/index.js", "src/emulator/index.js"];
    const files = readdirSync(outDir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".js"));
    const loadedByNode = (file: string) => file.startsWith("chunks/") || file.startsWith("src/cli/") || nodeEntries.includes(file);
    const definitions = new Map<string, string[]>();
    for (const file of files) {
      // esbuild writes `var ModelArtsError = class ...` (a second copy in one file would be ModelArtsError2).
      for (const match of readFileSync(path.join(outDir, file), "utf8").matchAll(/\b(ModelArts\w*?Error)\d* = class\b|\bclass (ModelArts\w*?Error)\d*\b/g)) {
        const name = (match[1] ?? match[2])!;
        definitions.set(name, [...(definitions.get(name) ?? []), file]);
      }
    }
    expect(definitions.size).toBeGreaterThanOrEqual(8);
    for (const [name, where] of definitions) {
      expect(where.filter(loadedByNode), name).toHaveLength(1);
      expect(where.filter((file) => file.startsWith("src/cli/")), name).toEqual([]);
      expect(where.filter((file) => !loadedByNode(file)), name).toEqual(["src/errors.js"]);
    }
    // Nothing Node loads reaches the portable modules: from every Node entry and the bin, relative imports lead only to chunks and entries.
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const match of readFileSync(path.join(outDir, file), "utf8").matchAll(/(?:from|import|import\()\s*"(\.\.?\/[^"]+)"/g)) {
        visit(path.relative(outDir, path.resolve(path.dirname(path.join(outDir, file)), match[1]!)));
      }
    };
    for (const entry of [...nodeEntries, "src/cli/main.cjs", "src/cli/run.js"]) visit(entry);
    expect([...reached].filter((file) => !loadedByNode(file))).toEqual([]);
    // And as a program sees it: an error thrown through ./config is the Node entry's class, and both entries hand out one function.
    const client = await import(pathToFileURL(path.join(outDir, "src/index.node.js")).href);
    const config = await import(pathToFileURL(path.join(outDir, "src/config/index.js")).href);
    const thrown = (() => {
      try {
        config.loadConfigFile(path.join(outDir, "no-such-config.yaml"));
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(client.ModelArtsConfigError);
    expect(thrown).toBeInstanceOf(client.ModelArtsError);
    expect(config.resolveContext).toBe(client.resolveContext);
  });

  it("inlines openapi-fetch, with its license, into what Node loads, while the portable entry imports it by name for the user's bundler", () => {
    const files = readdirSync(outDir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".js") && !file.startsWith("src/api/") && !file.startsWith("src/auth/"));
    const nodeFiles = files.filter((file) => file.startsWith("chunks/") || ["src/index.node.js", "src/config/index.js", "src/emulator/index.js"].includes(file));
    const texts = nodeFiles.map((file) => readFileSync(path.join(outDir, file), "utf8"));
    expect(texts.filter((text) => /from\s*["']openapi-fetch["']/.test(text))).toEqual([]);
    const withFetchClient = texts.filter((text) => text.includes("function createClient(clientOptions)"));
    expect(withFetchClient).toHaveLength(1);
    const { version } = JSON.parse(readFileSync(path.join(root, "node_modules/openapi-fetch/package.json"), "utf8"));
    expect(withFetchClient[0]).toContain(`openapi-fetch ${version} | MIT License | Copyright (c) 2023 Drew Powers`);
    expect(readFileSync(path.join(outDir, "src/api/openapi-fetch.js"), "utf8")).toMatch(/from\s*"openapi-fetch"/);
  });

  it("signs a call that the compiled emulator accepts", async () => {
    const client = await import(pathToFileURL(path.join(outDir, "src/index.node.js")).href);
    const { startEmulator } = await import(pathToFileURL(path.join(outDir, "src/emulator/index.js")).href);
    const obsRoot = await mkdtemp(path.join(tmpdir(), "package-obs-"));
    const emulator = await startEmulator({
      port: 0,
      obsRoot,
      credentials: [{ ak: "PACKAGETESTAK00001", sk: "package-test-sk" }],
      jobs: [{ id: "282", name: "cats", data_path: "obs://bucket/cats/", description: "", type: 0 }],
    });
    try {
      const das = new client.DataAnnotationsApi(
        client.createClient({ endpoint: emulator.url, credentials: { ak: "PACKAGETESTAK00001", sk: "package-test-sk" }, projectId: "p1", env: {} }),
      );
      expect(await das.sync_obs_status({ data_annotation_id: "282" })).toEqual({ is_success: true, sync_status: 0 });
      await expect(das.sync_obs_status({ data_annotation_id: "2/82" })).rejects.toBeInstanceOf(client.ModelArtsValidationError);
    } finally {
      await emulator.close();
      await rm(obsRoot, { recursive: true, force: true });
    }
  });

  it("runs the bin: sync-obs --wait --json against the compiled emulator prints one JSON document and exits 0", async () => {
    const { startEmulator } = await import(pathToFileURL(path.join(outDir, "src/emulator/index.js")).href);
    const work = await mkdtemp(path.join(tmpdir(), "package-bin-"));
    await mkdir(path.join(work, "obs/bucket/cats"), { recursive: true });
    await writeFile(path.join(work, "obs/bucket/cats/a.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    const emulator = await startEmulator({
      obsRoot: path.join(work, "obs"),
      credentials: [{ ak: "PACKAGETESTAK00001", sk: "package-test-sk" }],
      jobs: [{ id: "282", name: "cats", data_path: "obs://bucket/cats/", type: 0 }],
    });
    try {
      const config = path.join(work, "config.yaml");
      const context = `{ name: local, endpoint: "${emulator.url}", project_id: p1, credentials: { ak: PACKAGETESTAK00001, sk: package-test-sk } }`;
      await writeFile(config, `current-context: local\ncontexts:\n  - ${context}\n`, { mode: 0o600 });
      const bin = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).bin["modelarts-annotations"] as string;
      const { stdout, stderr } = await run(
        process.execPath,
        [path.join(outDir, bin.slice("./out/lib/".length)), "sync-obs", "--data-annotation-id", "282", "--wait", "--json"],
        { cwd: root, env: { PATH: process.env.PATH ?? "", HOME: work, MODELARTS_CONFIG: config } },
      );
      expect(stderr).toBe("");
      expect(JSON.parse(stdout)).toMatchObject({ is_success: true, data_annotation_id: "282", sync_status: 1 });
      expect(emulator.job("282").images).toHaveLength(1);
    } finally {
      await emulator.close();
      await rm(work, { recursive: true, force: true });
    }
  });
});
