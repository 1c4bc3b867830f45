/**
 * `npm run docs` builds with no network at all (in a network namespace without interfaces when
 * the machine allows one), and the rendered reference is looked at in headless Chromium with
 * every request outside file: blocked: all operations of the spec and the error model must be on
 * the page, and the page must not have tried to reach any other host.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { externalLoads } from "../../scripts/docs.mjs";
import { OPERATION_IDS } from "../../generated/operations.js";
import { launchChromium, restrictNetwork, type ChromiumSession, type NetworkLog } from "../support/browser.js";
import { ROOT } from "./repo.js";

interface Operation {
  operationId: string;
  tag: string;
  summary: string;
  method: string;
  path: string;
}

const spec = JSON.parse(readFileSync(join(ROOT, "generated", "openapi.json"), "utf8")) as {
  paths: Record<string, Record<string, { operationId?: string; tags?: string[]; summary?: string }>>;
};
const OPERATIONS: Operation[] = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([, op]) => typeof op === "object" && op.operationId)
    .map(([method, op]) => ({ operationId: op.operationId!, tag: op.tags![0]!, summary: op.summary!, method: method.toUpperCase(), path })),
);

/** Whether this machine can run a command with no network (root and unshare, as on the project's machines and CI). */
function canRunOffline(): boolean {
  return spawnSync("unshare", ["-n", "true"]).status === 0;
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("externalLoads (the docs build's static check)", () => {
  it("finds scripts, styles, fonts and images from other hosts, and allows links and inline data", () => {
    const html = `<html><head>
      <script src="https://cdn.example.com/redoc.standalone.js"></script>
      <link rel="stylesheet" href="//fonts.googleapis.com/css?family=Roboto">
      <link rel="license" href="https://www.apache.org/licenses/LICENSE-2.0">
      <style>@import "https://fonts.example.com/a.css"; body { background: url(https://img.example.com/bg.png) }</style>
      </head><body><a href="https://github.com/x/y">source</a><img src='data:image/svg+xml,%3Csvg%3E'>
      <img src=http://img.example.com/logo.svg></body></html>`;
    expect(externalLoads(html).sort()).toEqual(
      [
        "<script src=https://cdn.example.com/redoc.standalone.js>",
        "<link href=//fonts.googleapis.com/css?family=Roboto>",
        "css @import https://fonts.example.com/a.css",
        "css url(https://img.example.com/bg.png)",
        "<img src=http://img.example.com/logo.svg>",
      ].sort(),
    );
  });
});

describe("npm run docs, opened in headless Chromium", () => {
  let session: ChromiumSession;
  let network: NetworkLog;
  let build: { code: number | null; output: string };
  const offline = canRunOffline();
  const index = join(ROOT, "out", "docs", "index.html");

  beforeAll(async () => {
    // unshare -n: a new network namespace with only a loopback that is down, so any fetch fails.
    build = offline ? await run("unshare", ["-n", "npm", "run", "-s", "docs"]) : await run("npm", ["run", "-s", "docs"]);
    session = await launchChromium();
    network = await restrictNetwork(session.context, ["file:"]);
  }, 240_000);

  afterAll(async () => {
    await session?.close();
  });

  it(`builds the spec reference and the TypeScript reference${offline ? " with no network" : ""}`, () => {
    expect(build.code, build.output).toBe(0);
    expect(build.output).toContain("no external loads");
    expect(existsSync(index)).toBe(true);
    expect(existsSync(join(ROOT, "out", "docs", "api", "index.html"))).toBe(true);
    expect(externalLoads(readFileSync(index, "utf8"))).toEqual([]);
  });

  it("shows every operation of the spec, the error model, and requests nothing outside file:", async () => {
    // The list comes from the spec (a new operation is checked here without a test change), and holds every operation of the generated table.
    expect(OPERATIONS.map((op) => op.operationId).sort()).toEqual([...OPERATION_IDS].sort());
    const { page } = session;
    await page.goto(pathToFileURL(index).href);
    await expect.poll(() => page.locator("text=Loading...").count(), { timeout: 30_000 }).toBe(0);

    for (const op of OPERATIONS) {
      const anchor = `#/${op.tag.toLowerCase()}/${op.operationId}`;
      // A fresh load per operation: the page's router renders the section a URL names when it starts.
      await page.goto("about:blank");
      await page.goto(`${pathToFileURL(index).href}${anchor}`);
      // The operation's own section: its summary as a heading (whose accessible name also holds its
      // deep link's label, "link to <summary>"), its menu link and its path.
      const heading = page.getByRole("heading", { name: op.summary }).first();
      await expect.poll(() => heading.isVisible(), { timeout: 15_000, message: `${op.operationId}: heading "${op.summary}"` }).toBe(true);
      expect(await page.locator(`a[href="${anchor}"]`).count(), `menu link ${anchor}`).toBeGreaterThan(0);
      expect(await page.locator("body").innerText()).toContain(op.path);
    }

    // The error model: an operation's 400 answer shows ErrorResponse's fields.
    await page.goto("about:blank");
    await page.goto(`${pathToFileURL(index).href}#/dataannotations/sync_obs`);
    const syncObs = OPERATIONS.find((op) => op.operationId === "sync_obs")!;
    await expect.poll(() => page.getByRole("heading", { name: syncObs.summary }).first().isVisible(), { timeout: 15_000 }).toBe(true);
    // Hidden behind the 200 tab at first, ErrorResponse's fields and an example appear under 400.
    expect(await page.locator("body").innerText()).not.toContain("error_msg");
    await page.getByRole("tab", { name: "400", exact: true }).first().click();
    await expect.poll(() => page.locator("body").innerText()).toContain("error_msg");
    const text = await page.locator("body").innerText();
    expect(text).toMatch(/error_code\nstring\nrequired/);
    expect(text).toMatch(/error_msg\nstring\nrequired/);
    expect(text).toMatch(/"error_code": "ModelArts\.\d{4}"/);

    // The screenshot for the review report shows the error model's fields.
    await page.getByText("error_code", { exact: true }).first().scrollIntoViewIfNeeded();
    mkdirSync(join(ROOT, "out", "review"), { recursive: true });
    await page.screenshot({ path: join(ROOT, "out", "review", "docs.png") });

    expect(network.requested.length).toBeGreaterThan(0);
    expect(network.requested.every((url) => url.startsWith("file:"))).toBe(true);
    expect(network.blocked).toEqual([]);
  }, 120_000);
});
