/**
 * The emulator's cors option, over real HTTP as a browser speaks it: the allowed origin's
 * preflights for every path of the spec are answered, its requests (failed ones included)
 * carry Access-Control-Allow-Origin and expose X-Request-Id, and nothing of CORS goes to
 * another origin or without the option. Requests go through node:http, which sends Origin
 * and the preflight headers as given (fetch would add or refuse some of them).
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { OPERATIONS, OPERATION_IDS } from "../../generated/operations.js";
import { startEmulator, type EmulatorJob } from "../../src/emulator/index.js";
import { start } from "../cli/run.js";
import { compiledDir } from "../support/compile.js";
import { TEST_PROJECT_ID, TEST_TOKEN, withEmulator, type EmulatorFixture } from "../support/emulator.js";
import { TempObsRoot, tinyPng } from "../support/images.js";

const PAGE_ORIGIN = "http://127.0.0.1:8123";
const OTHER_ORIGIN = "http://localhost:8123";
const CATS: EmulatorJob = { id: "282", name: "cats", data_path: "obs://bucket/cats/", type: 0 };
const CLIENT_HEADERS = ["authorization", "x-sdk-date", "x-security-token", "x-auth-token", "x-project-id", "content-type"];

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const preflight = (url: string, origin: string, method: string, requestHeaders = "authorization,content-type,x-sdk-date") =>
  send(url, "OPTIONS", { Origin: origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": requestHeaders });

/** The operation's path with its parameters filled in, as a page would request it. */
function concretePath(path: string): string {
  return path.replaceAll("{project_id}", TEST_PROJECT_ID).replaceAll("{data_annotation_id}", "282").replace(/\{\w+\}/g, "sample-id");
}

const corsHeaderNames = (headers: IncomingHttpHeaders): string[] => Object.keys(headers).filter((name) => name.startsWith("access-control-"));

const syncPath = concretePath(OPERATIONS.sync_obs.path);

let fixture: EmulatorFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function emulatorWith(options: { cors?: { origin: string } }): Promise<EmulatorFixture> {
  fixture = await withEmulator({ jobs: [CATS], objects: { "bucket/cats/a.png": tinyPng() }, ...options });
  return fixture;
}

describe("with cors: { origin }", () => {
  test("answers the origin's preflight for every operation of the spec with exactly what the client sends", async () => {
    const { url } = await emulatorWith({ cors: { origin: PAGE_ORIGIN } });
    for (const id of OPERATION_IDS) {
      const { method, path } = OPERATIONS[id];
      const answer = await preflight(url + concretePath(path), PAGE_ORIGIN, method.toUpperCase(), CLIENT_HEADERS.join(","));
      expect(answer.status, id).toBe(204);
      expect(answer.body).toBe("");
      expect(answer.headers["access-control-allow-origin"], id).toBe(PAGE_ORIGIN);
      expect(answer.headers["access-control-allow-methods"]?.split(/,\s*/), id).toContain(method.toUpperCase());
      expect(answer.headers["access-control-allow-headers"]?.split(/,\s*/).sort()).toEqual([...CLIENT_HEADERS].sort());
      expect(Number(answer.headers["access-control-max-age"])).toBeGreaterThan(0);
      // Credentials travel in headers the page sets, not as cookies: no Allow-Credentials, and never "*".
      expect(answer.headers["access-control-allow-credentials"]).toBeUndefined();
      expect(answer.headers["vary"]).toBe("Origin");
      expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  test("a path that serves several methods lists each of them in one preflight answer", async () => {
    const { url } = await emulatorWith({ cors: { origin: PAGE_ORIGIN } });
    const imagePath = concretePath(OPERATIONS.modify_image_info.path);
    const declared = OPERATION_IDS.filter((id) => concretePath(OPERATIONS[id].path) === imagePath).map((id) => OPERATIONS[id].method.toUpperCase());
    expect(declared.length).toBeGreaterThan(1);
    const answer = await preflight(url + imagePath, PAGE_ORIGIN, "PUT");
    expect(answer.headers["access-control-allow-methods"]?.split(/,\s*/).sort()).toEqual([...declared].sort());
  });

  test("the origin's requests, answered or refused, name it and expose X-Request-Id; the preflight needs no credentials", async () => {
    const env = await emulatorWith({ cors: { origin: PAGE_ORIGIN } });
    const accepted = await send(env.url + syncPath, "POST", { Origin: PAGE_ORIGIN, "X-Auth-Token": TEST_TOKEN });
    expect(accepted.status).toBe(202);
    await env.emulator.idle();
    expect(env.emulator.job("282")?.images).toHaveLength(1);
    const refused = await send(env.url + syncPath, "POST", { Origin: PAGE_ORIGIN, "X-Auth-Token": "not-a-token" });
    expect(refused.status).toBe(401);
    const unknownRoute = await send(`${env.url}/v1/nothing-here`, "GET", { Origin: PAGE_ORIGIN });
    expect(unknownRoute.status).toBe(404);
    for (const answer of [accepted, refused, unknownRoute]) {
      expect(answer.headers["access-control-allow-origin"]).toBe(PAGE_ORIGIN);
      expect(answer.headers["access-control-expose-headers"]).toBe("X-Request-Id");
      expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    }
    // The preflight above carried no credentials and still got its 204; a request without Origin gets no CORS headers.
    const sameOrigin = await send(env.url + syncPath, "POST", { "X-Auth-Token": TEST_TOKEN });
    expect(sameOrigin.status).toBe(202);
    expect(corsHeaderNames(sameOrigin.headers)).toEqual([]);
  });

  test("another origin gets no CORS headers: its preflight is the 404 of an undeclared method, its requests carry none", async () => {
    const env = await emulatorWith({ cors: { origin: PAGE_ORIGIN } });
    for (const origin of [OTHER_ORIGIN, `${PAGE_ORIGIN}/`, "http://127.0.0.1:8124", "null"]) {
      const answer = await preflight(env.url + syncPath, origin, "POST");
      expect(answer.status, origin).toBe(404);
      expect(JSON.parse(answer.body)).toMatchObject({ error_code: "ModelArts.4204" });
      expect(corsHeaderNames(answer.headers), origin).toEqual([]);
      const request = await send(env.url + syncPath, "POST", { Origin: origin, "X-Auth-Token": TEST_TOKEN });
      expect(request.status).toBe(202);
      expect(corsHeaderNames(request.headers), origin).toEqual([]);
      await env.emulator.idle(); // a sync still running would refuse the next one
    }
  });

  test("an OPTIONS that is not a preflight, or for a path the spec does not have, is routed like any request: 404", async () => {
    const env = await emulatorWith({ cors: { origin: PAGE_ORIGIN } });
    const plainOptions = await send(env.url + syncPath, "OPTIONS", { Origin: PAGE_ORIGIN });
    expect(plainOptions.status).toBe(404);
    const unknownPath = await preflight(`${env.url}/v1/${TEST_PROJECT_ID}/data-annotations`, PAGE_ORIGIN, "GET");
    expect(unknownPath.status).toBe(404);
    expect(JSON.parse(unknownPath.body)).toMatchObject({ error_code: "ModelArts.4204" });
    expect(unknownPath.headers["access-control-allow-methods"]).toBeUndefined();
  });
});

test("without the option nothing is CORS: preflights get 404 and requests no Access-Control headers", async () => {
  const env = await emulatorWith({});
  const answer = await preflight(env.url + syncPath, PAGE_ORIGIN, "POST");
  expect(answer.status).toBe(404);
  expect(corsHeaderNames(answer.headers)).toEqual([]);
  expect(answer.headers["vary"]).toBeUndefined();
  const request = await send(env.url + syncPath, "POST", { Origin: PAGE_ORIGIN, "X-Auth-Token": TEST_TOKEN });
  expect(request.status).toBe(202);
  expect(corsHeaderNames(request.headers)).toEqual([]);
});

describe("the option is checked at start", () => {
  test.each([
    [{ origin: "*" }, /cors\.origin must be an http\(s\) origin .*got "\*"/],
    [{ origin: `${PAGE_ORIGIN}/` }, /cors\.origin .*got "http:\/\/127\.0\.0\.1:8123\/"; did you mean "http:\/\/127\.0\.0\.1:8123"\?/],
    [{ origin: "http://127.0.0.1:80" }, /did you mean "http:\/\/127\.0\.0\.1"\?/],
    [{ origin: "HTTP://LOCALHOST:8123" }, /did you mean "http:\/\/localhost:8123"\?/],
    [{ origin: "file:///tmp/page.html" }, /cors\.origin must be an http\(s\) origin/],
    [{ origin: 8123 }, /cors\.origin must be a string/],
    [{}, /cors\.origin must be a string/],
    ["http://127.0.0.1:8123", /cors must be an object/],
  ])("%j is refused", async (cors, message) => {
    const obs = await TempObsRoot.create({});
    try {
      const error = await startEmulator({ obsRoot: obs.path, credentials: [{ token: "t" }], cors: cors as { origin: string } }).then(
        async (emulator) => {
          await emulator.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/^startEmulator: cors/);
      expect((error as Error).message).toMatch(message);
    } finally {
      await obs.dispose();
    }
  });
});

describe("modelarts-annotations emulator --cors-origin", () => {
  const cli = join(compiledDir(), "src/cli/main.cjs");

  test("answers that origin's preflights and says so", async () => {
    const obs = await TempObsRoot.create({ "bucket/cats/a.png": tinyPng() });
    const run = start(process.execPath, [cli, "emulator", "--obs-root", obs.path, "--cors-origin", PAGE_ORIGIN]);
    try {
      let output = "";
      run.child.stdout.on("data", (chunk: string) => (output += chunk));
      const deadline = Date.now() + 15_000;
      while (!output.includes("Press Ctrl+C to stop.") && run.child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(output).toContain(`CORS: pages of ${PAGE_ORIGIN} may call it from a browser`);
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1] as string;
      const answer = await preflight(url + syncPath, PAGE_ORIGIN, "POST");
      expect(answer.status).toBe(204);
      expect(answer.headers["access-control-allow-origin"]).toBe(PAGE_ORIGIN);
      const other = await preflight(url + syncPath, OTHER_ORIGIN, "POST");
      expect(corsHeaderNames(other.headers)).toEqual([]);
    } finally {
      run.child.kill("SIGTERM");
      expect((await run.done).code).toBe(0);
      await obs.dispose();
    }
  });

  test("a value that is not an origin is a usage error naming the flag (exit 2)", async () => {
    const obs = await TempObsRoot.create({});
    try {
      const result = await start(process.execPath, [cli, "emulator", "--obs-root", obs.path, "--cors-origin", `${PAGE_ORIGIN}/page.html`]).done;
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--cors-origin must be an http(s) origin as a browser sends it`);
      expect(result.stderr).toContain(`did you mean "${PAGE_ORIGIN}"?`);
    } finally {
      await obs.dispose();
    }
  });
});
