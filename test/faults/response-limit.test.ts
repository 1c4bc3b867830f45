/**
 * Bounded memory: an answer larger than maxResponseBytes is cut off while it streams and becomes
 * a CLIENT.RESPONSE_TOO_LARGE failure, so a 1 GB body costs the limit, not a gigabyte.
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

describe("maxResponseBytes", () => {
  it("a 1 GB streamed body is cut off at the default limit (64 MiB), and memory stays near it", async () => {
    const server = streaming(1024 * MiB);
    const das = await apiFor(server.handler, { timeoutMs: 120_000 });
    gc();
    const before = memory();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memory());
    }, 2);
    const result = await das.show_images_by_tag({ data_annotation_id: "282" });
    clearInterval(sampler);
    peak = Math.max(peak, memory());

    expect(result).toMatchObject({ is_success: false, error_code: "CLIENT.RESPONSE_TOO_LARGE", http_status: 200 });
    expect(result.is_success ? "" : result.error_msg).toContain("maxResponseBytes (67108864 bytes)");
    // The server got to write little more than the limit before the connection was dropped.
    expect(server.written()).toBeLessThan(100 * MiB);
    const growthMiB = (peak - before) / MiB;
    console.log(`1 GB body: peak growth ${growthMiB.toFixed(1)} MiB with a 64 MiB limit; server wrote ${(server.written() / MiB).toFixed(0)} MiB`);
    // Measured here: about 85 MiB, the limit's worth of chunks plus stream bookkeeping not yet
    // collected; without the limit the same body took over 2 GB.
    expect(growthMiB).toBeLessThan(64 + 32);
  }, 120_000);

  it("a smaller limit holds the same way", async () => {
    const server = streaming(1024 * MiB);
    const das = await apiFor(server.handler, { maxResponseBytes: 4 * MiB });
    gc();
    const before = memory();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memory());
    }, 2);
    const result = await das.show_images_by_tag({ data_annotation_id: "282" });
    clearInterval(sampler);
    expect(result).toMatchObject({ is_success: false, error_code: "CLIENT.RESPONSE_TOO_LARGE" });
    console.log(`1 GB body: peak growth ${((peak - before) / MiB).toFixed(1)} MiB with a 4 MiB limit`);
    expect((peak - before) / MiB).toBeLessThan(4 + 16);
    expect(server.written()).toBeLessThan(40 * MiB);
  });

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
    const das = await apiFor((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    }, { maxResponseBytes: body.length });
    expect(await das.show_images_by_tag({ data_annotation_id: "282" })).toMatchObject({ is_success: true, total: 0 });
    const smaller = await apiFor((_req, res) => res.end(body), { maxResponseBytes: body.length - 1 });
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
    const das = await apiFor(streaming(8 * MiB).handler, { maxResponseBytes: 0 });
    expect(await das.show_images_by_tag({ data_annotation_id: "282" })).toMatchObject({ is_success: true });
  });
});
