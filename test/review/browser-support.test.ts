import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, restrictNetwork, type ChromiumSession } from "../support/browser.js";

// The browser helper itself: a page that asks for one allowed and several forbidden resources.
describe("test/support/browser", () => {
  let session: ChromiumSession;
  let server: Server;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader("content-type", "text/javascript");
      res.end(`document.body.dataset.loopback = ${JSON.stringify(req.url)};`);
    });
    await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    dir = await mkdtemp(join(tmpdir(), "browser-support-"));
    session = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    server?.closeAllConnections();
    await new Promise((done) => server?.close(done));
    await rm(dir, { recursive: true, force: true });
  });

  it("allows the listed prefixes, refuses and records everything else", async () => {
    const page = join(dir, "index.html");
    await writeFile(
      page,
      `<!doctype html><html><head>
        <link rel="stylesheet" href="https://fonts.example.invalid/css?family=Roboto">
        </head><body><h1>hello</h1>
        <script src="${base}allowed.js"></script>
        <img src="https://cdn.example.invalid/logo.png">
        <script>new WebSocket("wss://socket.example.invalid/feed");</script>
        </body></html>`,
    );
    const net = await restrictNetwork(session.context, ["file:", base]);
    await session.page.goto(pathToFileURL(page).href);
    await session.page.waitForLoadState("load");
    await expect.poll(() => net.blocked.some((url) => url.startsWith("wss://"))).toBe(true);

    expect(await session.page.locator("h1").textContent()).toBe("hello");
    expect(await session.page.evaluate(() => document.body.dataset.loopback)).toBe("/allowed.js");
    expect(net.requested).toContain(pathToFileURL(page).href);
    expect(net.requested).toContain(`${base}allowed.js`);
    expect(net.blocked.sort()).toEqual(
      ["https://cdn.example.invalid/logo.png", "https://fonts.example.invalid/css?family=Roboto", "wss://socket.example.invalid/feed"].sort(),
    );
  });
});
