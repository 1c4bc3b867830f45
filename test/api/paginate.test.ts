/**
 * What the emulator cannot show about iterate_images_by_tag: the retry schedule and what is and
 * is not retried (a scripted page source on fake timers, so the schedule is exact and nothing
 * waits for real), and, over small real HTTP servers on loopback, a server that holds its pages
 * to fewer images than asked, a total that changes or overstates, and requests that lose their
 * connection or hang.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { iterateImagesByTag, type ListedImage } from "../../src/api/paginate.js";
import type { CallOptions, FailureResult, HelperParams, Result } from "../../src/api/types.js";
import {
  createClient,
  DataAnnotationsApi,
  ModelArtsAbortError,
  ModelArtsNetworkError,
  ModelArtsServiceError,
  ModelArtsValidationError,
  type CreateClientOptions,
} from "../../src/index.node.js";
import { useLoopbackServers } from "../support/loopback.js";

const AK = "PAGINATETESTAK00";
const SK = "paginate-test-secret-key-never-shown";
const PROJECT = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

const serve = useLoopbackServers();

afterEach(() => {
  vi.useRealTimers();
});

function api(endpoint: string, options: CreateClientOptions = {}) {
  return new DataAnnotationsApi(createClient({ endpoint, credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {}, ...options }));
}

async function collect(iterable: AsyncIterable<ListedImage>): Promise<ListedImage[]> {
  const all: ListedImage[] = [];
  for await (const image of iterable) all.push(image);
  return all;
}

const image = (i: number): ListedImage => ({ image_id: `img${String(i).padStart(4, "0")}`, url: `obs://bucket/job/${i}.jpg`, tags: ["cat"] });
const IMAGES = Array.from({ length: 23 }, (_, i) => image(i));

function page(images: ListedImage[], total: number): Result<"show_images_by_tag"> {
  return {
    is_success: true,
    project_id: 282,
    project_name: "job",
    project_desc: "",
    project_type: 0,
    create_time: 0,
    version_num: 0,
    data_path: "obs://bucket/job/",
    versions: [],
    images,
    total,
  } as Result<"show_images_by_tag">;
}

const failure = (http_status: number, error_code = `HTTP.${http_status}`): Result<"show_images_by_tag"> => ({
  is_success: false,
  error_code,
  error_msg: "scripted",
  http_status,
  request_id: `req-${http_status}`,
});

/** Answers one query the way the service does, serving `per_page` (or `defaultPerPage`) images, but never more than `cap`. */
function pageServer(options: { cap?: number; defaultPerPage?: number; total?: (page: number) => number; images?: ListedImage[] } = {}) {
  const { cap = 100, defaultPerPage = 10, images = IMAGES } = options;
  const asked: Array<{ page: number; per_page: string | null }> = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const query = new URL(req.url ?? "/", "http://x").searchParams;
    const number = Number(query.get("page") ?? "1");
    asked.push({ page: number, per_page: query.get("per_page") });
    const size = Math.min(cap, Number(query.get("per_page") ?? defaultPerPage));
    const body = page(images.slice((number - 1) * size, number * size), options.total?.(number) ?? images.length);
    res.writeHead(200, { "content-type": "application/json", "x-request-id": `page-${number}` }).end(JSON.stringify(body));
  };
  return { asked, handler };
}

describe("where the walk ends", () => {
  it("does not stop at a page shorter than asked: a server that caps per_page still yields every image", async () => {
    const server = pageServer({ cap: 7 });
    const url = await serve(server.handler);
    const images = await collect(api(url).iterate_images_by_tag({ data_annotation_id: "282", per_page: 100 }));
    expect(images).toEqual(IMAGES);
    // 7, 7, 7, then 2: the total (23) ends it, with no request for page 5.
    expect(server.asked).toEqual([1, 2, 3, 4].map((n) => ({ page: n, per_page: "100" })));
  });

  it("nor at a page shorter than the spec's default, when the server's own default is smaller", async () => {
    const server = pageServer({ defaultPerPage: 4 });
    const url = await serve(server.handler);
    expect(await collect(api(url).iterate_images_by_tag({ data_annotation_id: "282" }))).toEqual(IMAGES);
    expect(server.asked.map((a) => a.page)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(server.asked.every((a) => a.per_page === null)).toBe(true);
  });

  it("follows the total of the latest page, so a listing that shrank meanwhile ends sooner", async () => {
    // Page 2 says 12 images are left in all (some were untagged meanwhile): 5 + 5 + 2.
    const server = pageServer({ total: (n) => (n === 1 ? 23 : 12) });
    const url = await serve(server.handler);
    const images = await collect(api(url).iterate_images_by_tag({ data_annotation_id: "282", per_page: 5 }));
    expect(images).toEqual(IMAGES.slice(0, 15));
    expect(server.asked.map((a) => a.page)).toEqual([1, 2, 3]);
  });

  it("ends at an empty page when the total overstates", async () => {
    const server = pageServer({ cap: 4, total: () => 1_000, images: IMAGES.slice(0, 10) });
    const url = await serve(server.handler);
    expect(await collect(api(url).iterate_images_by_tag({ data_annotation_id: "282", per_page: 50 }))).toEqual(IMAGES.slice(0, 10));
    // 4, 4, 2, then the empty page 4.
    expect(server.asked.map((a) => a.page)).toEqual([1, 2, 3, 4]);
  });
});

describe("a malformed page", () => {
  it.each([
    ["an empty object", {}],
    ["images that are not a list", { images: null, total: 3 }],
    ["no total", { images: [image(0)] }],
  ])("%s is an invalid answer (ModelArtsServiceError, CLIENT.INVALID_RESPONSE), not a crash in the loop", async (_, body) => {
    const url = await serve((req, res) => {
      const number = Number(new URL(req.url ?? "/", "http://x").searchParams.get("page"));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(number === 1 ? page(IMAGES.slice(0, 5), 23) : body));
    });
    const seen: ListedImage[] = [];
    const error = await (async () => {
      for await (const listed of api(url).iterate_images_by_tag({ data_annotation_id: "282", per_page: 5 })) seen.push(listed);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(IMAGES.slice(0, 5));
    expect(error).toBeInstanceOf(ModelArtsServiceError);
    expect(error).toMatchObject({ error_code: "CLIENT.INVALID_RESPONSE", operation: "show_images_by_tag", http_status: 200 });
  });
});

describe("retries", () => {
  const client = createClient({ endpoint: "http://127.0.0.1:9", credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {} });
  type Answer = Result<"show_images_by_tag"> | Error;

  /**
   * A page source that plays `script` first, one entry per request (whatever page it is for),
   * then serves IMAGES 10 to a page; it records when each request came and for which page.
   */
  function scripted(script: Answer[]) {
    const calls: Array<{ at: number; page: number; options: CallOptions }> = [];
    const fetchPage = async (params: HelperParams<"show_images_by_tag">, options: CallOptions): Promise<Result<"show_images_by_tag">> => {
      calls.push({ at: performance.now(), page: params.page!, options });
      const next = script.shift();
      if (next instanceof Error) throw next;
      return next ?? page(IMAGES.slice((params.page! - 1) * 10, params.page! * 10), IMAGES.length);
    };
    return { calls, fetchPage };
  }

  const fakeTime = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance", "Date"] });
  const networkError = (reason: "network" | "timeout") => new ModelArtsNetworkError(`GET /images: ${reason}`, reason, { operation: "show_images_by_tag" });

  it("asks for a failed page again after 0.5 s, 1 s and 2 s, then goes on", async () => {
    fakeTime();
    const { calls, fetchPage } = scripted([page(IMAGES.slice(0, 10), 23), failure(503), failure(503), failure(503)]);
    const walking = collect(iterateImagesByTag(client, fetchPage, { data_annotation_id: "282" }));
    await vi.runAllTimersAsync();
    expect(await walking).toEqual(IMAGES);
    expect(calls.map((c) => c.page)).toEqual([1, 2, 2, 2, 2, 3]);
    const retries = calls.slice(1, 5);
    expect(retries.slice(1).map((c, i) => c.at - retries[i]!.at)).toEqual([500, 1_000, 2_000]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each<[string, Answer]>([
    ["a 429", failure(429, "ModelArts.4206")],
    ["a 500", failure(500, "ModelArts.6102")],
    ["a proxy's 502", failure(502)],
    ["a 503", failure(503, "ModelArts.4302")],
    ["a proxy's 504", failure(504)],
    ["a request that got no answer (reason network)", networkError("network")],
    ["a request that timed out (reason timeout)", networkError("timeout")],
  ])("retries %s", async (_label, answer) => {
    fakeTime();
    const { calls, fetchPage } = scripted([answer]);
    const walking = collect(iterateImagesByTag(client, fetchPage, { data_annotation_id: "282" }));
    await vi.runAllTimersAsync();
    expect(await walking).toEqual(IMAGES);
    expect(calls.map((c) => c.page)).toEqual([1, 1, 2, 3]);
  });

  it.each<[string, Answer]>([
    ["a 400", failure(400, "ModelArts.4338")],
    ["a 401", failure(401, "ModelArts.0208")],
    ["a 403", failure(403, "ModelArts.0203")],
    ["a 501", failure(501)],
    ["a 2xx whose body was broken", failure(200, "CLIENT.INVALID_RESPONSE")],
    ["the caller's abort", new ModelArtsAbortError("GET /images was aborted by the caller", { operation: "show_images_by_tag" })],
    ["a validation error", new ModelArtsValidationError("per_page", "is too large", "show_images_by_tag")],
    ["an error of our own", new TypeError("a bug")],
  ])("does not retry %s: it is thrown at once", async (_label, answer) => {
    fakeTime();
    const { calls, fetchPage } = scripted([answer]);
    const walking = collect(iterateImagesByTag(client, fetchPage, { data_annotation_id: "282" })).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    const error = await walking;
    if (answer instanceof Error) {
      expect(error).toBe(answer);
    } else {
      const { is_success: _, ...fields } = answer as FailureResult;
      expect(error).toMatchObject({ name: "ModelArtsServiceError", ...fields });
    }
    expect(calls).toHaveLength(1);
  });

  it("does not retry once the caller's signal has fired, even for a timeout (a caller's deadline)", async () => {
    fakeTime();
    const controller = new AbortController();
    controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
    const { calls, fetchPage } = scripted([networkError("timeout")]);
    const walking = collect(iterateImagesByTag(client, fetchPage, { data_annotation_id: "282" }, { signal: controller.signal })).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await walking).toMatchObject({ reason: "timeout" }); // the page's own error, not retried
    expect(calls).toHaveLength(1);
  });

  it("gives up after the third retry, throwing the last failure: a ModelArtsServiceError, or the network error", async () => {
    fakeTime();
    const answers = scripted([failure(429, "ModelArts.4206"), failure(500, "ModelArts.6102"), failure(429, "ModelArts.4206"), failure(503, "ModelArts.4302")]);
    const walking = collect(iterateImagesByTag(client, answers.fetchPage, { data_annotation_id: "282" })).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    const error = await walking;
    expect(error).toBeInstanceOf(ModelArtsServiceError);
    expect(error).toMatchObject({ http_status: 503, error_code: "ModelArts.4302", request_id: "req-503" });
    expect((error as Error).message).toMatch(/^show_images_by_tag \(page 1\): ModelArts\.4302 \(HTTP 503\)/);
    expect(answers.calls).toHaveLength(4);

    const lost = networkError("network");
    const network = scripted([networkError("timeout"), networkError("network"), networkError("network"), lost]);
    const failing = collect(iterateImagesByTag(client, network.fetchPage, { data_annotation_id: "282" })).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await failing).toBe(lost);
    expect(network.calls).toHaveLength(4);
  });

  it("passes the call's options to every attempt", async () => {
    fakeTime();
    const options: CallOptions = { timeoutMs: 1_234, signal: new AbortController().signal };
    const { calls, fetchPage } = scripted([failure(503)]);
    const walking = collect(iterateImagesByTag(client, fetchPage, { data_annotation_id: "282" }, options));
    await vi.runAllTimersAsync();
    await walking;
    expect(calls.map((c) => c.options)).toEqual(calls.map(() => options));
  });

  it("an abort during a backoff rejects at once, and leaves no timer behind", async () => {
    fakeTime();
    const controller = new AbortController();
    const { calls, fetchPage } = scripted([failure(503)]);
    const iterator = iterateImagesByTag(client, fetchPage, { data_annotation_id: "282" }, { signal: controller.signal });
    const first = iterator.next().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1); // the 500 ms backoff
    controller.abort();
    const error = await first;
    expect(error).toBeInstanceOf(ModelArtsAbortError);
    expect(error).not.toBeInstanceOf(ModelArtsNetworkError);
    expect(error).toMatchObject({ code: "ABORTED", operation: "iterate_images_by_tag" });
    expect(vi.getTimerCount()).toBe(0);
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(1);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });
});

describe("retries over HTTP", () => {
  it("a connection dropped before the answer (reason network) is retried", async () => {
    const server = pageServer();
    let dropped = false;
    const url = await serve((req, res) => {
      if (new URL(req.url ?? "/", "http://x").searchParams.get("page") === "2" && !dropped) {
        dropped = true;
        return req.socket.destroy();
      }
      server.handler(req, res);
    });
    expect(await collect(api(url).iterate_images_by_tag({ data_annotation_id: "282" }))).toEqual(IMAGES);
    expect(dropped).toBe(true);
    expect(server.asked.map((a) => a.page)).toEqual([1, 2, 3]);
  });

  it("a request that hangs past the per-call timeout (reason timeout) is retried", async () => {
    const server = pageServer();
    let hung = false;
    const url = await serve((req, res) => {
      // The first request for page 2 never gets an answer.
      if (new URL(req.url ?? "/", "http://x").searchParams.get("page") === "2" && !hung) {
        hung = true;
        return;
      }
      server.handler(req, res);
    });
    // A second per request: long enough for a loaded machine's loopback answer, short enough for the test.
    expect(await collect(api(url, { timeoutMs: 1_000 }).iterate_images_by_tag({ data_annotation_id: "282" }))).toEqual(IMAGES);
    expect(hung).toBe(true);
    expect(server.asked.map((a) => a.page)).toEqual([1, 2, 3]);
  });
});
