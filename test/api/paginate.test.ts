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

describe("what a page's failure does to the walk", () => {
  const client = createClient({ endpoint: "http://127.0.0.1:9", credentials: { ak: AK, sk: SK }, projectId: PROJECT, env: {} });
  type Answer = Result<"show_images_by_tag"> | Error;

  /** A page source that plays `script` first, one entry per request, then serves IMAGES 10 to a page. */
  function scripted(script: Answer[]) {
    const calls: Array<{ page: number; options: CallOptions }> = [];
    const fetchPage = async (params: HelperParams<"show_images_by_tag">, options: CallOptions): Promise<Result<"show_images_by_tag">> => {
      calls.push({ page: params.page!, options });
      const next = script.shift();
      if (next instanceof Error) throw next;
      return next ?? page(IMAGES.slice((params.page! - 1) * 10, params.page! * 10), IMAGES.length);
    };
    return { calls, fetchPage };
  }

  // The helper under the iterator has already retried by the client's policy (tested over HTTP
  // below and in test/faults/retry.test.ts); the walk adds no schedule of its own.
  it.each<[string, Answer]>([
    ["a 503 the helper could not get past", failure(503, "ModelArts.4302")],
    ["a 400", failure(400, "ModelArts.4338")],
    ["a 2xx whose body was broken", failure(200, "CLIENT.INVALID_RESPONSE")],
    ["the network error the helper gave up on", new ModelArtsNetworkError("GET /images: network", "network", { operation: "show_images_by_tag" })],
    ["the caller's abort", new ModelArtsAbortError("GET /images was aborted by the caller", { operation: "show_images_by_tag" })],
    ["a validation error", new ModelArtsValidationError("per_page", "is too large", "show_images_by_tag")],
  ])("%s is thrown at once and ends the walk", async (_label, answer) => {
    const { calls, fetchPage } = scripted([page(IMAGES.slice(0, 10), 23), answer]);
    const error = await collect(iterateImagesByTag(client, fetchPage, { data_annotation_id: "282" }, { timeoutMs: 1_234 })).catch((e: unknown) => e);
    if (answer instanceof Error) {
      expect(error).toBe(answer);
    } else {
      const { is_success: _, ...fields } = answer as FailureResult;
      expect(error).toMatchObject({ name: "ModelArtsServiceError", ...fields });
      expect((error as Error).message).toMatch(/^show_images_by_tag \(page 2\): /);
    }
    expect(calls.map((c) => c.page)).toEqual([1, 2]);
    expect(calls.every((c) => c.options.timeoutMs === 1_234)).toBe(true);
  });
});

describe("a server that does not honour page", () => {
  it("answering page 1 to every request with a huge total ends the walk with an invalid answer at page 2", async () => {
    const server = pageServer({ total: () => 1e12 });
    const url = await serve((req, res) => {
      req.url = req.url!.replace(/page=\d+/, "page=1");
      server.handler(req, res);
    });
    const seen: ListedImage[] = [];
    const error = await (async () => {
      for await (const listed of api(url).iterate_images_by_tag({ data_annotation_id: "282" })) seen.push(listed);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(IMAGES.slice(0, 10));
    expect(error).toBeInstanceOf(ModelArtsServiceError);
    expect(error).toMatchObject({ error_code: "CLIENT.INVALID_RESPONSE", operation: "show_images_by_tag" });
    expect((error as Error).message).toContain("(page 2): CLIENT.INVALID_RESPONSE (HTTP 200): lists only images already listed (total 1000000000000, 10 per page)");
    expect(server.asked).toHaveLength(2);
  });

  it("a page 2 that lists page 1's images in another order makes no progress either", async () => {
    const server = pageServer({ total: () => 1e12, images: [...IMAGES.slice(0, 10), ...IMAGES.slice(0, 10).reverse()] });
    const url = await serve(server.handler);
    const seen: ListedImage[] = [];
    const error = await (async () => {
      for await (const listed of api(url).iterate_images_by_tag({ data_annotation_id: "282" })) seen.push(listed);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(IMAGES.slice(0, 10));
    expect((error as Error).message).toContain("(page 2): CLIENT.INVALID_RESPONSE (HTTP 200): lists only images already listed");
  });

  it("a page that repeats some of the page before (an image tagged meanwhile shifts the listing) still counts as progress", async () => {
    // Page 2 starts with page 1's last image, as when an image earlier in key order was tagged between the two requests.
    const listing = [...IMAGES.slice(0, 10), ...IMAGES.slice(9, 23)];
    const server = pageServer({ images: listing, total: () => 23 });
    const url = await serve(server.handler);
    const images = await collect(api(url).iterate_images_by_tag({ data_annotation_id: "282" }));
    // The repeated image comes twice, as the class comment says a shifted listing does.
    expect(images).toEqual(listing);
    expect(server.asked.map((a) => a.page)).toEqual([1, 2, 3]);
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
