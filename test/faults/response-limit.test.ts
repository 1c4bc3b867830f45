/**
 * Bounded memory: an answer larger than maxResponseBytes is cut off while it streams and becomes
 * a CLIENT.RESPONSE_TOO_LARGE failure, so a 1 GB body costs the limit, not a gigabyte: what the
 * reading keeps referenced stays within 4 MiB of the limit, and fetch's not yet collected
 * garbage comes on top of that until V8's next collection.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { createClient, DataAnnotationsApi, ModelArtsArgumentError, ModelArtsServiceError, type CreateClientOptions } from "../../src/index.node.js";
import { useLoopbackServers, type Handler } from "../support/loopback.js";

const PROJECT = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const MiB = 1024 * 1024;
const serve = useLoopbackServers();

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

async function apiFor(handler: Handler, options: CreateClientOptions = {}): Promise<DataAnnotationsApi> {
  const endpoint = await serve(handler);
  return new DataAnnotationsApi(createClient({ endpoint, credentials: { ak: "AK", sk: "sk" }, projectId: PROJECT, env: {}, ...options }));
}

/** A server that streams `total` bytes of a JSON string as fast as the reader takes them; counts what it wrote. */
function streaming(total: number, headers: Record<string, string> = {}): { handler: Handler; written: () => number } {
  let written = 0;
  const chunk = Buffer.alloc(64 * 1024, "a");
  const handler: Handler = (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", ...headers });
    res.write('{"images":[],"total":0,"pad":"');
    const pump = (): void => {
      while (written < total) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once("drain", pump);
          return;
        }
      }
      res.end('"}');
    };
    res.on("close", () => res.removeAllListeners("drain"));
    pump();
  };
  return { handler, written: () => written };
}

/** JavaScript heap plus memory outside it (Buffers and ArrayBuffers are counted in `external`). */
function memory(): number {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/**
 * The peak of memory() while a body streams in, sampled at its chunks as fetch hands them over
 * (a timer misses peaks: a few MiB come in between two ticks), from a baseline taken after a
 * first request, so that loading fetch's own code (about 4 MiB) is not counted as the body's.
 * `live` runs a full GC before every 8th sample (every 512 KiB of 64 KiB chunks), so the peak is
 * what is still referenced; without it, the peak includes what is garbage but not collected yet.
 */
function sampledFetch(live: boolean): { fetch: (request: Request) => Promise<Response>; start(): Promise<void>; peakGrowthMiB(): number; sampledMiB(): number } {
  let before = 0;
  let peak = 0;
  let chunks = 0;
  // What went through the sampler since start(): a peak is only a peak of the body if the body was sampled.
  let bytes = 0;
  const sample = (): void => {
    if (live && ++chunks % 8 !== 0) return;
    if (live) gc();
    peak = Math.max(peak, memory());
  };
  return {
    async fetch(request) {
      const response = await fetch(request);
      if (response.body === null) return response;
      const body = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ transform: (chunk, controller) => ((bytes += chunk.byteLength), sample(), controller.enqueue(chunk)) }));
      return new Response(body, { status: response.status, headers: response.headers });
    },
    async start() {
      // An earlier test's connection may still be letting go of its buffers: settle first, so
      // that their release does not hide this body's growth.
      for (let previous = Infinity; ; ) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
        const now = memory();
        if (now > previous - 0.25 * MiB) break;
        previous = now;
      }
      gc();
      before = memory();
      peak = before;
      bytes = 0;
    },
    peakGrowthMiB: () => (Math.max(peak, memory()) - before) / MiB,
    sampledMiB: () => bytes / MiB,
  };
}

/** The 1 GB body against `maxResponseBytes` (the default when undefined): the failure, and the peak growth in MiB. */
async function oneGigabyte(maxResponseBytes: number | undefined, live: boolean) {
  const server = streaming(1024 * MiB);
  const sampler = sampledFetch(live);
  const das = await apiFor((req, res) => (req.url!.includes("sync-status") ? res.end('{"sync_status":1}') : server.handler(req, res)), {
    timeoutMs: 120_000,
    fetch: sampler.fetch,
    ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
  });
  // A first, small answer loads fetch's code and opens the connection before the baseline.
  expect(await das.sync_obs_status({ data_annotation_id: "282" })).toMatchObject({ is_success: true });
  await sampler.start();
  const result = await das.show_images_by_tag({ data_annotation_id: "282" });
  // The limit was met in the body the sampler saw, so its peak is the reading's, not an idle process's.
  expect(sampler.sampledMiB()).toBeGreaterThanOrEqual(maxResponseBytes === undefined ? 64 : maxResponseBytes / MiB);
  return { result, growthMiB: sampler.peakGrowthMiB(), writtenMiB: server.written() / MiB };
}

describe("maxResponseBytes", () => {
  // What the reading keeps is bounded by the limit: the live peak (after a full GC) stays within
  // 4 MiB of it, for the default and for a small limit alike.
  it.each([
    ["the default limit (64 MiB)", undefined, 64],
    ["a limit of 8 MiB", 8 * MiB, 8],
  ])("a 1 GB streamed body is cut off at %s, and what stays referenced is within 4 MiB of it", async (_, maxResponseBytes, limitMiB) => {
    const { result, growthMiB, writtenMiB } = await oneGigabyte(maxResponseBytes, true);
    expect(result).toMatchObject({ is_success: false, error_code: "CLIENT.RESPONSE_TOO_LARGE", http_status: 200 });
    expect(result.is_success ? "" : result.error_msg).toContain(`maxResponseBytes (${limitMiB * MiB} bytes)`);
    // The server got to write little more than the limit before the connection was dropped.
    expect(writtenMiB).toBeLessThan(limitMiB + 36);
    console.log(`1 GB body, ${limitMiB} MiB limit: live peak growth ${growthMiB.toFixed(1)} MiB; server wrote ${writtenMiB.toFixed(0)} MiB`);
    expect(growthMiB).toBeLessThan(limitMiB + 4);
  }, 120_000);

  // Without forced collections, fetch's own garbage comes on top until V8 collects it: undici
  // copies each chunk out of the socket's read buffer, and those buffers (about 1.5 bytes per
  // byte read) stay counted in `external` until the next GC, which V8 starts by heap growth or
  // after 64 MB of new external memory, not by time, so this figure moves with the machine's load:
  // measured limit + 11 to 28 MiB (28.2 once in a fresh-clone CI run on a busy machine; the bound
  // was + 28 until then); bounded here by + 36 MiB, what the server may write past the limit. (With
  // the chunks dropped as they come, reading 64 MiB still peaks 38 MiB up: it is not our copy).
  it.each([
    ["the default limit (64 MiB)", undefined, 64],
    ["a limit of 8 MiB", 8 * MiB, 8],
  ])("with %s, the peak including not yet collected garbage stays under the limit + 36 MiB", async (_, maxResponseBytes, limitMiB) => {
    const { result, growthMiB } = await oneGigabyte(maxResponseBytes, false);
    expect(result).toMatchObject({ is_success: false, error_code: "CLIENT.RESPONSE_TOO_LARGE" });
    console.log(`1 GB body, ${limitMiB} MiB limit: peak growth ${growthMiB.toFixed(1)} MiB without forced GC`);
    // Without the limit the same body took over 2 GB.
    expect(growthMiB).toBeLessThan(limitMiB + 36);
  }, 120_000);

  it("a declared Content-Length over the limit fails before the body is read", async () => {
    let aborted = false;
    const das = await apiFor(
      (req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(1024 * MiB), "x-request-id": "req-big" });
        res.write("{");
        req.socket.on("close", () => (aborted = true));
      },
      { maxResponseBytes: MiB },
    );
    const result = await das.show_images_by_tag({ data_annotation_id: "282" });
    expect(result).toMatchObject({ is_success: false, error_code: "CLIENT.RESPONSE_TOO_LARGE", request_id: "req-big" });
    await expect.poll(() => aborted).toBe(true);
  });

  it("a body of exactly the limit is read; one byte more is not", async () => {
    const body = JSON.stringify({ images: [], total: 0, pad: "x".repeat(1000) });
    // writeHead without a Content-Length: the body is chunked, so the streaming count decides, not the header check.
    const chunked: Handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    };
    const das = await apiFor(chunked, { maxResponseBytes: body.length });
    expect(await das.show_images_by_tag({ data_annotation_id: "282" })).toMatchObject({ is_success: true, total: 0 });
    const smaller = await apiFor(chunked, { maxResponseBytes: body.length - 1 });
    expect(await smaller.show_images_by_tag({ data_annotation_id: "282" })).toMatchObject({ is_success: false, error_code: "CLIENT.RESPONSE_TOO_LARGE" });
  });

  it("an error answer over the limit is cut off too", async () => {
    const server = streaming(64 * MiB);
    const das = await apiFor((req, res) => {
      res.statusCode = 500;
      server.handler(req, res);
    }, { maxResponseBytes: MiB });
    expect(await das.sync_obs_status({ data_annotation_id: "282" })).toMatchObject({ is_success: false, error_code: "CLIENT.RESPONSE_TOO_LARGE" });
  });

  it("the iterator stops with a ModelArtsServiceError", async () => {
    const das = await apiFor(streaming(64 * MiB).handler, { maxResponseBytes: MiB });
    const walk = das.iterate_images_by_tag({ data_annotation_id: "282" });
    const error = await walk.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsServiceError);
    expect((error as ModelArtsServiceError).error_code).toBe("CLIENT.RESPONSE_TOO_LARGE");
  });

  it.each([-1, 1.5, "1", Number.NaN])("refuses maxResponseBytes %s", (value) => {
    expect(() => createClient({ endpoint: "http://127.0.0.1:9", credentials: { ak: "AK", sk: "sk" }, env: {}, maxResponseBytes: value as number })).toThrow(ModelArtsArgumentError);
  });

  it("0 disables the limit", async () => {
    // Larger than the default limit (64 MiB), so that 0 taken for "the default" fails too.
    const das = await apiFor(streaming(65 * MiB).handler, { maxResponseBytes: 0 });
    expect(await das.show_images_by_tag({ data_annotation_id: "282" })).toMatchObject({ is_success: true });
  });
});
