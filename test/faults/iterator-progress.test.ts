/**
 * The iterator against a server whose pages go on past its own total without progress: it
 * stops with an invalid answer, not only when a page repeats the one before. A small scripted
 * server on loopback plays it, since the emulator pages honestly.
 */
import { describe, expect, it } from "vitest";
import { createClient, DataAnnotationsApi, ModelArtsServiceError, type ListedImage } from "../../src/index.node.js";
import { useLoopbackServers } from "../support/loopback.js";

const PROJECT = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const serve = useLoopbackServers();

const image = (n: number): ListedImage => ({ image_id: `img${String(n).padStart(4, "0")}`, url: `obs://b/${n}.png`, tags: [] });

/** Answers page n with `pageOf(n)`, claiming `total`; records the pages asked for. */
async function server(total: number, pageOf: (n: number) => ListedImage[]) {
  const asked: number[] = [];
  const url = await serve((req, res) => {
    const n = Number(new URL(req.url ?? "/", "http://x").searchParams.get("page"));
    asked.push(n);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ images: pageOf(n), total }));
  });
  const das = new DataAnnotationsApi(createClient({ endpoint: url, credentials: { ak: "AK", sk: "sk" }, projectId: PROJECT, env: {} }));
  return { das, asked };
}

async function walk(das: DataAnnotationsApi, perPage: number): Promise<{ seen: string[]; error: unknown }> {
  const seen: string[] = [];
  try {
    for await (const listed of das.iterate_images_by_tag({ data_annotation_id: "282", per_page: perPage })) seen.push(listed.image_id);
    return { seen, error: undefined };
  } catch (error) {
    return { seen, error };
  }
}

describe("pages past the total", () => {
  it("a server that holds pages to one image and, past its four, cycles through the last two: an invalid answer once page x per_page has passed the total", async () => {
    // Total 10 at 2 per page: pages from 6 on start at or past it. Page 6 still brings an image
    // not listed since then; page 7 brings only ones listed already.
    const { das, asked } = await server(10, (n) => [image(n <= 4 ? n : n % 2 === 1 ? 3 : 4)]);
    const { seen, error } = await walk(das, 2);
    expect(error).toBeInstanceOf(ModelArtsServiceError);
    expect(error).toMatchObject({ error_code: "CLIENT.INVALID_RESPONSE", operation: "show_images_by_tag" });
    expect((error as Error).message).toContain("(page 7): CLIENT.INVALID_RESPONSE (HTTP 200): lists only images already listed (total 10, 2 per page)");
    expect(asked).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seen).toEqual(["img0001", "img0002", "img0003", "img0004", "img0003", "img0004"]);
  });

  it("a server that caps its pages still yields every image, each page past the total bringing new ones", async () => {
    const { das, asked } = await server(6, (n) => (n <= 6 ? [image(n)] : []));
    const { seen, error } = await walk(das, 5);
    expect(error).toBeUndefined();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6].map((n) => image(n).image_id));
    expect(asked).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
