/**
 * Every `ts` and `sh` block of README.md runs as written (see snippets.ts for the markers), in
 * README order, against the emulator that the README's own `<!-- emulator -->` block starts
 * from the repository's example seed; a README edit that breaks a snippet fails here.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { copyFile, rm } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compiledDeclarations, compiledDir } from "../support/compile.js";
import { compileTsSnippets, extractSnippets, REPO, runSnippet, snippetWorkspace, startEmulatorSnippet, userEnv, type Snippet, type SnippetWorkspace } from "./snippets.js";

const run = promisify(execFile);

describe("the snippet extractor", () => {
  const fixture = [
    "# Title",
    "",
    "```ts",
    'const n: number = "not a number";',
    "```",
    "",
    "<!-- not run: needs a real region endpoint -->",
    "```sh",
    "modelarts-annotations sync-status -j 1 --region cn-north-4",
    "```",
    "",
    "- a list item:",
    "",
    "  ```sh",
    "  false",
    "  ```",
    "",
    "```python",
    "print('ignored')",
    "```",
    "<!-- emulator -->",
    "```sh",
    "npm run emulator",
    "```",
  ].join("\n");

  it("finds ts and sh blocks with their lines and markers, and skips other languages", () => {
    expect(extractSnippets(fixture)).toEqual([
      { line: 3, lang: "ts", code: 'const n: number = "not a number";\n' },
      { line: 8, lang: "sh", code: "modelarts-annotations sync-status -j 1 --region cn-north-4\n", notRun: "needs a real region endpoint" },
      { line: 14, lang: "sh", code: "false\n" },
      { line: 22, lang: "sh", code: "npm run emulator\n", emulator: true },
    ]);
  });

  it("a deliberately broken snippet fails: a type error names its README line, a failing command exits non-zero", async () => {
    const workspace = await snippetWorkspace(compiledDir());
    try {
      const [broken, , failing] = extractSnippets(fixture);
      await expect(compileTsSnippets(workspace, [broken!])).rejects.toThrow(/README\.md:4.*TS2322/);
      const result = await runSnippet(failing!, new Map(), userEnv({ PATH: workspace.path }));
      expect(result.code).not.toBe(0);
    } finally {
      await rm(workspace.dir, { recursive: true, force: true });
    }
  });
});

const snippets = extractSnippets(readFileSync(path.join(REPO, "README.md"), "utf8"));
const runnable = snippets.filter((snippet) => snippet.notRun === undefined && !snippet.emulator);

describe("README.md", () => {
  let workspace: SnippetWorkspace;
  let compiled: Map<Snippet, string>;
  let configFile: string;
  let stopEmulator: (() => Promise<void>) | undefined;
  let waitForIdleSync: () => Promise<void>;

  beforeAll(async () => {
    workspace = await snippetWorkspace(compiledDir());
    const emulatorSnippets = snippets.filter((snippet) => snippet.emulator);
    expect(emulatorSnippets).toHaveLength(1);
    const started = await startEmulatorSnippet(emulatorSnippets[0]!, userEnv({ PATH: workspace.path }));
    stopEmulator = started.stop;
    configFile = started.configFile;
    // The state the Workflows examples start from (README says so): the job synced, one image tagged "kitty", one "kitten".
    const { createClient, DataAnnotationsApi } = (await import(pathToFileURL(path.join(compiledDir(), "src/index.node.js")).href)) as typeof import("../../src/index.node.js");
    const das = new DataAnnotationsApi(createClient({ configFile, env: {} }));
    waitForIdleSync = async () => {
      for (;;) {
        const status = await das.sync_obs_status({ data_annotation_id: "282" });
        if (!status.is_success || status.sync_status !== 3) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    expect(await das.sync_obs({ data_annotation_id: "282" })).toEqual({ is_success: true });
    expect(await das.wait_for_sync_obs({ data_annotation_id: "282" })).toMatchObject({ is_success: true, sync_status: 1 });
    const images = [];
    for await (const image of das.iterate_images_by_tag({ data_annotation_id: "282", tag_name: "__none__" })) images.push(image);
    expect(images.length).toBeGreaterThanOrEqual(3);
    const tagged = [
      { image_id: images[0]!.image_id, tags: ["kitty"] },
      { image_id: images[1]!.image_id, tags: ["kitten"] },
    ];
    expect(await das.modify_image_info({ data_annotation_id: "282", body: { images: tagged } })).toEqual({ is_success: true });
    // The snippets type-check against the built package's declarations.
    await compiledDeclarations();
    compiled = await compileTsSnippets(
      workspace,
      snippets.filter((snippet) => snippet.lang === "ts" && snippet.notRun === undefined),
    );
  }, 180_000);

  afterAll(async () => {
    await stopEmulator?.();
    if (workspace) await rm(workspace.dir, { recursive: true, force: true });
  });

  it("marks each snippet it does not run with a reason", () => {
    for (const snippet of snippets.filter((each) => each.notRun !== undefined)) expect(snippet.notRun!.length, `line ${snippet.line}`).toBeGreaterThan(10);
    expect(runnable.length).toBeGreaterThanOrEqual(8);
  });

  for (const snippet of runnable) {
    it(`line ${snippet.line} (${snippet.lang}) runs as written`, async () => {
      await waitForIdleSync();
      // Each snippet gets its own copy of the config file, so that config commands change no other snippet's context.
      const config = path.join(workspace.dir, `config-${snippet.line}.yaml`);
      await copyFile(configFile, config);
      const result = await runSnippet(snippet, compiled, userEnv({ PATH: workspace.path, MODELARTS_CONFIG: config, MY_SK: "example-sk", MY_TOKEN: "example-token" }));
      expect(result, `${snippet.code}\n${result.stderr}`).toMatchObject({ code: 0 });
    }, 90_000);
  }

  it("leaves git status clean", async () => {
    const { stdout } = await run("git", ["status", "--porcelain", "--untracked-files=all", "--", "examples", "README.md"], { cwd: REPO });
    const tracked = await run("git", ["ls-files", "--", "examples"], { cwd: REPO });
    expect(tracked.stdout).not.toBe("");
    expect(stdout.split("\n").filter((line) => line.startsWith("??"))).toEqual([]);
  });
});

describe("the Quick start", () => {
  it("npm run demo runs on this checkout and cleans up after itself", async () => {
    const status = async () => (await run("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: REPO })).stdout;
    const before = await status();
    const { stdout } = await run("npm", ["run", "-s", "demo"], { cwd: REPO, env: userEnv({}), timeout: 120_000 });
    expect(stdout).toContain("done; temporary files removed");
    expect(await status()).toBe(before);
  }, 150_000);
});
