/**
 * Headless Chromium for tests: Debian's /usr/bin/chromium (installed by
 * scripts/ensure-chromium.mjs on first use) driven by playwright-core, which never downloads
 * a browser of its own.
 *
 * The flags keep Chromium's own background traffic (component updates, sync, first-run pings,
 * QUIC probes) from starting at all: on this closed network those connections only fail and
 * slow the start, and they would blur what a page itself asks for. Each launch gets a fresh
 * profile folder, removed on close, so no state leaks between tests.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { ensureChromium } from "../../scripts/ensure-chromium.mjs";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-quic",
  "--disable-sync",
];

export interface ChromiumSession {
  context: BrowserContext;
  /** A page opened in the context (more with `context.newPage()`). */
  page: Page;
  /** Closes the browser and removes its profile folder. */
  close(): Promise<void>;
}

/** Launch headless Chromium with a fresh profile; close it with `session.close()`. */
export async function launchChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<ChromiumSession> {
  const executablePath = ensureChromium();
  const userDataDir = await mkdtemp(join(tmpdir(), "chromium-profile-"));
  // launchPersistentContext is playwright's way to pass our own --user-data-dir (launch() refuses that flag).
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1280, height: 900 },
      serviceWorkers: "block",
      timeout: 60_000,
    });
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface NetworkLog {
  /** Every request URL the pages asked for, allowed or not, in order. */
  requested: string[];
  /** The URLs that were refused because they start with none of the allowed prefixes. */
  blocked: string[];
}

/**
 * Refuse every request (HTTP, WebSocket) of the context whose URL starts with none of
 * `allowedPrefixes` (such as "file:" or "http://127.0.0.1:1234/"), and record what was asked
 * for. Install it before navigating. `data:` and `blob:` URLs never reach the network and are
 * not seen here.
 */
export async function restrictNetwork(context: BrowserContext, allowedPrefixes: readonly string[]): Promise<NetworkLog> {
  const log: NetworkLog = { requested: [], blocked: [] };
  const allowed = (url: string) => allowedPrefixes.some((prefix) => url.startsWith(prefix));
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    log.requested.push(url);
    if (allowed(url)) {
      await route.continue();
    } else {
      log.blocked.push(url);
      await route.abort("blockedbyclient");
    }
  });
  await context.routeWebSocket(
    (url) => !allowed(url.href),
    (ws) => {
      log.requested.push(ws.url());
      log.blocked.push(ws.url());
      ws.close({ code: 1008, reason: "blocked by test" });
    },
  );
  // File loads are not routed through `route`: record them from the request events.
  context.on("request", (request) => {
    const url = request.url();
    if (url.startsWith("file:") && !log.requested.includes(url)) log.requested.push(url);
  });
  return log;
}
