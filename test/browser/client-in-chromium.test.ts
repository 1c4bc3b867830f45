/**
 * The client entry in a real browser: headless Debian Chromium (installed by
 * scripts/ensure-chromium.mjs when missing) loads a page whose only script is the package's
 * browser bundle, built by esbuild exactly as `npm run size` measures it, and runs the legacy
 * SDK's flow against the emulator on loopback, which answers the page's CORS preflights through
 * its cors option. Once with AK/SK, which the page can only sign with Web Crypto (there is no
 * node:crypto, nor any `process`), and once with an IAM token.
 *
 * The page is served with a strict Content-Security-Policy (no eval, no inline script, fetch to
 * the emulator only), as a careful web app would serve it: a validator compiled at run time
 * with `new Function`, or a call to any other host, would fail the flow.
 *
 * The network is observed, not intercepted: playwright's request routing answers CORS
 * preflights itself, which would hide whether the emulator's answers work.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { build } from "esbuild";
import type { Request as PlaywrightRequest } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { BROWSER_BUNDLE_OPTIONS } from "../../scripts/lib/bundle-size.mjs";
import type { EmulatorJob } from "../../src/emulator/index.js";
import { imageIdOf } from "../../src/emulator/obs.js";
import { launchChromium, type ChromiumSession } from "../support/browser.js";
import { compiledDir } from "../support/compile.js";
import { TEST_AK, TEST_PROJECT_ID, TEST_SK, TEST_TOKEN, withEmulator, type EmulatorFixture } from "../support/emulator.js";
import { tinyPng } from "../support/images.js";

type Sdk = typeof import("../../src/index.js");

const CATS: EmulatorJob = { id: "282", name: "cats", data_path: "obs://bucket/cats/", project_id: TEST_PROJECT_ID, type: 0 };
const IMAGE_NAMES = ["a.png", "b.png", "c.jpg", "d.png", "e.png"];
const imageId = (name: string) => imageIdOf("bucket", `cats/${name}`);

let session: ChromiumSession;
let bundle: string;
let pageServer: Server;
let pageOrigin: string;
/** The emulator the page is told to allow in its CSP; set per test before the page loads. */
let emulatorUrl = "";

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>modelarts-data-annotations in a browser</title>
<script type="module" src="/main.js"></script></head><body></body></html>`;
// The page exposes the bundle's exports to the test; it has no inline script, which the CSP forbids.
const MAIN = `import * as sdk from "/client.js";\nglobalThis.sdk = sdk;\n`;

function servePage(): Promise<void> {
  pageServer = createServer((req, res) => {
    const csp = `default-src 'none'; script-src 'self'; connect-src ${emulatorUrl}`;
    const files: Record<string, [string, string]> = {
      "/": ["text/html; charset=utf-8", PAGE],
      "/main.js": ["text/javascript; charset=utf-8", MAIN],
      "/client.js": ["text/javascript; charset=utf-8", bundle],
    };
    const file = files[req.url ?? ""];
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": file[0], "Content-Security-Policy": csp, "Cache-Control": "no-store" }).end(file[1]);
  });
  return new Promise((ready) =>
    pageServer.listen(0, "127.0.0.1", () => {
      pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
      ready();
    }),
  );
}

beforeAll(async () => {
  // The bundle of the compiled package entry, as an app's bundler makes it: nothing external.
  const result = await build({ ...BROWSER_BUNDLE_OPTIONS, entryPoints: [join(compiledDir(), "src/index.js")], write: false, logLevel: "silent" });
  bundle = result.outputFiles[0]?.text ?? "";
  expect(bundle.length).toBeGreaterThan(0);
  await servePage();
  // On a fresh machine this installs Debian's chromium first (apt-get), which takes minutes.
}, 600_000);

beforeAll(async () => {
  session = await launchChromium();
}, 600_000);

afterAll(async () => {
  await session?.close();
  pageServer?.closeAllConnections();
  await new Promise((done) => pageServer?.close(done));
});

interface Observed {
  fixture: EmulatorFixture;
  /** Emulator log lines: one per answered request, preflights included. */
  log: string[];
  /** Requests the page sent to the emulator, with the headers as Chromium sent them. */
  requests: { method: string; path: string; headers: Record<string, string> }[];
  /** Uncaught errors and console errors of the page (a CSP violation is one). */
  pageErrors: string[];
}

let observed: Observed | undefined;
const pending: Promise<void>[] = [];

beforeEach(async () => {
  const log: string[] = [];
  const fixture = await withEmulator({
    jobs: [CATS],
    objects: Object.fromEntries(IMAGE_NAMES.map((name) => [`bucket/cats/${name}`, tinyPng()])),
    syncDelayMs: 300, // long enough for the waiter to poll state 3 at least once
    cors: { origin: pageOrigin },
    logger: (line) => log.push(line),
  });
  emulatorUrl = fixture.url;
  observed = { fixture, log, requests: [], pageErrors: [] };
  const current = observed;
  session.page.removeAllListeners("request");
  session.page.removeAllListeners("pageerror");
  session.page.removeAllListeners("console");
  session.page.on("request", (request: PlaywrightRequest) => {
    if (!request.url().startsWith(`${fixture.url}/`)) return;
    pending.push(
      request.allHeaders().then((headers) => {
        current.requests.push({ method: request.method(), path: new URL(request.url()).pathname, headers });
      }),
    );
  });
  session.page.on("pageerror", (error) => current.pageErrors.push(String(error)));
  session.page.on("console", (message) => {
    if (message.type() === "error") current.pageErrors.push(message.text());
  });
  await session.page.goto(`${pageOrigin}/`);
  await session.page.waitForFunction(() => "sdk" in globalThis, undefined, { timeout: 10_000 });
});

afterEach(async () => {
  await Promise.all(pending.splice(0));
  await observed?.fixture.close();
  observed = undefined;
});

type PageCredentials = { ak: string; sk: string } | { token: string };

interface FlowResult {
  runtime: { hasProcess: boolean; hasSubtle: boolean; isSecureContext: boolean; evalBlocked: boolean };
  sync: unknown;
  settled: unknown;
  untagged: { image_id: string; url: string }[];
  modified: unknown;
  tagged: { image_id: string; tags: unknown[] }[];
}

/** sync_obs, wait_for_sync_obs, iterate_images_by_tag, modify_image_info, in the page, with the bundle's exports only. */
function runFlowInPage(credentials: PageCredentials): Promise<FlowResult> {
  return session.page.evaluate(
    async ({ endpoint, projectId, credentials }) => {
      const { createClient, DataAnnotationsApi } = (globalThis as unknown as { sdk: Sdk }).sdk;
      const das = new DataAnnotationsApi(createClient({ endpoint, projectId, credentials }));
      const data_annotation_id = "282";
      const sync = await das.sync_obs({ data_annotation_id });
      const settled = await das.wait_for_sync_obs({ data_annotation_id, intervalMs: 50, timeoutMs: 20_000 });
      const untagged: { image_id: string; url: string }[] = [];
      // Two per page, so that the iterator has to ask for three pages.
      for await (const image of das.iterate_images_by_tag({ data_annotation_id, tag_name: "__none__", per_page: 2 })) {
        untagged.push({ image_id: image.image_id, url: image.url });
      }
      const first = untagged[0]?.image_id ?? "";
      const second = untagged[1]?.image_id ?? "";
      const modified = await das.modify_image_info({
        data_annotation_id,
        body: { images: [{ image_id: first, tags: ["cat", "橘猫"] }, { image_id: second, tags: ["cat"] }] },
      });
      const tagged: { image_id: string; tags: unknown[] }[] = [];
      for await (const image of das.iterate_images_by_tag({ data_annotation_id, tag_name: "cat", per_page: 1 })) {
        tagged.push({ image_id: image.image_id, tags: image.tags });
      }
      let evalBlocked = false;
      try {
        new Function("return 1")();
      } catch {
        evalBlocked = true; // the page's CSP is in force, so nothing above compiled code at run time
      }
      return {
        runtime: {
          hasProcess: typeof (globalThis as { process?: unknown }).process !== "undefined",
          hasSubtle: globalThis.crypto?.subtle !== undefined,
          isSecureContext: globalThis.isSecureContext,
          evalBlocked,
        },
        sync,
        settled,
        untagged,
        modified,
        tagged,
      };
    },
    { endpoint: observed!.fixture.url, projectId: TEST_PROJECT_ID, credentials },
  );
}

function expectFlowSucceeded(result: FlowResult): void {
  // No Node in the page: signing can only have gone through Web Crypto. And no eval allowed.
  expect(result.runtime).toEqual({ hasProcess: false, hasSubtle: true, isSecureContext: true, evalBlocked: true });
  expect(result.sync).toEqual({ is_success: true });
  expect(result.settled).toMatchObject({ is_success: true, sync_status: 1 });
  expect((result.settled as { polls: number }).polls).toBeGreaterThanOrEqual(1);
  expect(result.untagged.map((image) => image.url)).toEqual(IMAGE_NAMES.map((name) => `obs://bucket/cats/${name}`));
  expect(result.untagged.map((image) => image.image_id)).toEqual(IMAGE_NAMES.map(imageId));
  expect(result.modified).toEqual({ is_success: true });
  expect(result.tagged.map((image) => image.image_id)).toEqual([imageId("a.png"), imageId("b.png")]);

  // The emulator's own state, not only what the page was told.
  const job = observed!.fixture.emulator.job("282");
  expect(job?.sync_status).toBe(1);
  const tagsByImage = Object.fromEntries((job?.images ?? []).map((image) => [image.image_id, image.tags]));
  expect(tagsByImage[imageId("a.png")]).toEqual(["cat", "橘猫"]);
  expect(tagsByImage[imageId("b.png")]).toEqual(["cat"]);
  for (const name of IMAGE_NAMES.slice(2)) expect(tagsByImage[imageId(name)]).toEqual([]);
  expect(result.tagged).toEqual([
    { image_id: imageId("a.png"), tags: tagsByImage[imageId("a.png")] },
    { image_id: imageId("b.png"), tags: tagsByImage[imageId("b.png")] },
  ]);

  // Cross-origin with non-safelisted headers: Chromium asked the emulator first, and got its 204s.
  expect(observed!.log.filter((line) => / OPTIONS \S+ 204 \(CORS preflight/.test(line)).length).toBeGreaterThan(0);
  expect(observed!.pageErrors).toEqual([]);
}

/** The page's requests to the emulator, once the headers of each have been read. */
async function pageRequests(): Promise<Observed["requests"]> {
  await Promise.all(pending.splice(0));
  return observed!.requests;
}

describe("the bundled client in headless Chromium, against the emulator on loopback", () => {
  test("with AK/SK: every request is signed with SDK-HMAC-SHA256 by Web Crypto, and the flow goes through", async () => {
    const result = await runFlowInPage({ ak: TEST_AK, sk: TEST_SK });
    expectFlowSucceeded(result);

    const requests = await pageRequests();
    const operations = new Set(requests.map((r) => `${r.method} ${r.path.replace(/^\/v1\/[^/]+\/data-annotations\/282/, "")}`));
    expect([...operations].sort()).toEqual(["GET /images", "GET /obs/sync-status", "POST /obs/sync", "PUT /images"]);
    expect(requests.filter((r) => r.method === "GET" && r.path.endsWith("/images")).length).toBeGreaterThanOrEqual(5);
    for (const request of requests) {
      expect(request.headers["authorization"], `${request.method} ${request.path}`).toMatch(
        new RegExp(`^SDK-HMAC-SHA256 Access=${TEST_AK}, SignedHeaders=[a-z0-9;-]*\\bhost\\b[a-z0-9;-]*, Signature=[0-9a-f]{64}$`),
      );
      expect(request.headers["authorization"]).toContain("x-sdk-date");
      expect(request.headers["x-sdk-date"]).toMatch(/^\d{8}T\d{6}Z$/);
      expect(request.headers["x-auth-token"]).toBeUndefined();
    }
  });

  test("with a token: X-Auth-Token, no signature, and the same flow goes through", async () => {
    const result = await runFlowInPage({ token: TEST_TOKEN });
    expectFlowSucceeded(result);

    const requests = await pageRequests();
    expect(requests.length).toBeGreaterThanOrEqual(8);
    for (const request of requests) {
      expect(request.headers["x-auth-token"], `${request.method} ${request.path}`).toBe(TEST_TOKEN);
      expect(request.headers["authorization"]).toBeUndefined();
    }
  });

  test("a page of another origin is refused by the browser: the emulator allows only the configured one", async () => {
    // Same server, other host name: another origin, which the emulator's cors option does not name.
    const otherOrigin = pageOrigin.replace("127.0.0.1", "localhost");
    await session.page.goto(`${otherOrigin}/`);
    await session.page.waitForFunction(() => "sdk" in globalThis, undefined, { timeout: 10_000 });
    const outcome = await session.page.evaluate(
      async ({ endpoint, projectId, token }) => {
        const { createClient, DataAnnotationsApi } = (globalThis as unknown as { sdk: Sdk }).sdk;
        const das = new DataAnnotationsApi(createClient({ endpoint, projectId, credentials: { token } }));
        try {
          return { resolved: await das.sync_obs({ data_annotation_id: "282" }) };
        } catch (error) {
          return { rejected: (error as Error).name };
        }
      },
      { endpoint: observed!.fixture.url, projectId: TEST_PROJECT_ID, token: TEST_TOKEN },
    );
    expect(outcome).toEqual({ rejected: "ModelArtsNetworkError" });
    // The preflight reached the emulator and got no CORS answer, so the sync itself was never sent.
    expect(observed!.log.some((line) => / OPTIONS \S+ 404 /.test(line))).toBe(true);
    expect(observed!.fixture.emulator.job("282")?.sync_status).toBe(0);
    expect(observed!.pageErrors.join("\n")).toContain(`from origin '${otherOrigin}' has been blocked by CORS policy`);
  });
});
