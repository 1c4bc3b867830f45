/**
 * `images --all --json` when the listing ends badly: an error answer partway, Ctrl+C while a
 * page is on its way, a reader that closes the pipe. The emulator cannot fail on page 3 or hold
 * a page back on cue, so a small scripted loopback server plays the service here; the client
 * signs its requests as always, and the server only answers them.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { beforeEach, expect, test } from "vitest";
import { useLoopbackServers } from "../support/loopback.js";
import { pipeline, startCli } from "./run.js";

type Answer = (page: number, res: ServerResponse) => void;
let endpoint: string;
let answer: Answer;
let pagesAsked: number[];

const PER_PAGE = 100;
const TOTAL = 2000;

function image(i: number) {
  return { image_id: i.toString(16).padStart(32, "0"), url: `obs://bucket/listing/image-${String(i).padStart(5, "0")}-with-a-longish-name.jpg`, tags: ["cat"] };
}

function pageOf(page: number, res: ServerResponse) {
  const images = Array.from({ length: PER_PAGE }, (_, k) => image((page - 1) * PER_PAGE + k)).filter((_, k) => (page - 1) * PER_PAGE + k < TOTAL);
  res.writeHead(200, { "Content-Type": "application/json", "X-Request-Id": `page-${page}` });
  res.end(JSON.stringify({ is_success: true, project_id: 283, project_name: "listing", project_desc: "", project_type: 0, create_time: 0, version_num: 0, data_path: "obs://bucket/listing/", versions: [], images, total: TOTAL }));
}

const serve = useLoopbackServers();

beforeEach(async () => {
  pagesAsked = [];
  answer = pageOf;
  endpoint = await serve((req: IncomingMessage, res: ServerResponse) => {
    const page = Number(new URL(req.url ?? "/", "http://x").searchParams.get("page") ?? "1");
    pagesAsked.push(page);
    answer(page, res);
  });
});

const ENV = { HUAWEICLOUD_SDK_AK: "STREAMINGTESTAK00001", HUAWEICLOUD_SDK_SK: "streaming-test-sk", HUAWEICLOUD_SDK_PROJECT_ID: "p1", HOME: "/nonexistent" };
const ARGS = () => ["images", "-j", "283", "--all", "--json", "--endpoint", endpoint];

test("a whole listing streams into one valid document, total and is_success last", async () => {
  const { code, stdout } = await startCli(ARGS(), ENV).done;
  expect(code).toBe(0);
  const doc = JSON.parse(stdout) as { images: unknown[]; total: number; is_success: boolean };
  expect(doc).toMatchObject({ total: TOTAL, is_success: true });
  expect(doc.images).toHaveLength(TOTAL);
  expect(pagesAsked).toEqual(Array.from({ length: TOTAL / PER_PAGE }, (_, i) => i + 1));
});

test("an error answer on page 3 closes the document as a failure, after the images listed so far; exit 1", async () => {
  answer = (page, res) => {
    if (page < 3) return pageOf(page, res);
    res.writeHead(400, { "Content-Type": "application/json", "X-Request-Id": "req-page-3" });
    res.end(JSON.stringify({ error_code: "ModelArts.4338", error_msg: "The job no longer exists." }));
  };
  const { code, stdout, stderr } = await startCli(ARGS(), ENV).done;
  expect(code).toBe(1);
  const doc = JSON.parse(stdout) as { images: unknown[] };
  expect(doc).toEqual({
    images: expect.any(Array),
    total: 2 * PER_PAGE,
    is_success: false,
    error_code: "ModelArts.4338",
    error_msg: "The job no longer exists.",
    http_status: 400,
    request_id: "req-page-3",
  });
  expect(doc.images).toHaveLength(2 * PER_PAGE);
  expect(stderr).toContain("ModelArts.4338");
  expect(pagesAsked).toEqual([1, 2, 3]);
});

test("a success page without its images list is an invalid answer: the document closes; exit 1", async () => {
  answer = (page, res) => {
    if (page === 1) return pageOf(page, res);
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end("{}");
  };
  const { code, stdout, stderr } = await startCli(ARGS(), ENV).done;
  expect(code).toBe(1);
  expect(JSON.parse(stdout)).toMatchObject({ total: PER_PAGE, is_success: false, error_code: "CLIENT.INVALID_RESPONSE" });
  expect(stderr).toContain("no images list or numeric total");
});

test("Ctrl+C while a page is on its way closes the document too; exit 130", async () => {
  let asked!: () => void;
  const secondPageAsked = new Promise<void>((resolve) => (asked = resolve));
  answer = (page, res) => {
    if (page === 1) return pageOf(page, res);
    asked(); // and never answer: the page is "on its way" until the CLI gives up
  };
  const run = startCli(ARGS(), ENV);
  await secondPageAsked;
  run.child.kill("SIGINT");
  const { code, stdout } = await run.done;
  expect(code).toBe(130);
  expect(JSON.parse(stdout)).toMatchObject({ total: PER_PAGE, is_success: false, error_code: "INTERRUPTED" });
});

test("a reader that closes the pipe (| head) ends the CLI quietly with SIGPIPE's 141", async () => {
  const result = await pipeline(`{ set +e; eval "$CLI images -j 283 --all --json --endpoint ${endpoint}"; echo "cli exit $?" >&2; } | head -c 200 > /dev/null`, { env: ENV });
  expect(result.code).toBe(0);
  expect(result.stderr).toBe("cli exit 141\n");
  // It stopped listing once nobody read: far fewer than all 20 pages.
  expect(pagesAsked.length).toBeLessThan(TOTAL / PER_PAGE);
});
