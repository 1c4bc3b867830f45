/**
 * Expiring credentials against the emulator: a `credentials` provider is called lazily, its
 * credentials are cached until shortly before expiresAt, a 401 "Token expired" makes the client
 * fetch new ones once and send the request again, and 16 concurrent calls share one refresh.
 * The emulator's tokens expire on its own (controllable) clock.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { EmulatorJob } from "../../src/emulator/index.js";
import { createClient, DataAnnotationsApi, ModelArtsConfigError, type CredentialsInput, type CreateClientOptions } from "../../src/index.node.js";
import { TEST_AK, TEST_PROJECT_ID, TEST_SK, useEmulator, type EmulatorFixture } from "../support/emulator.js";
import { FAKE_JPEG } from "../support/images.js";

const JOB: EmulatorJob = { id: "310", name: "rotating", data_path: "obs://bucket/rot/", project_id: TEST_PROJECT_ID, type: 0 };
const TOKENS = ["provider-token-0000000001", "provider-token-0000000002", "provider-token-0000000003"];
// The emulator's clock starts at real time (AK/SK signatures are checked against it) and is moved
// forward by the tests to expire tokens.
let START = Date.now();
let clock = START;
const env = useEmulator(() => {
  START = Date.now();
  clock = START;
  return {
    jobs: [JOB],
    folders: ["bucket/rot"],
    now: () => clock,
    credentials: [
      { ak: TEST_AK, sk: TEST_SK },
      // Each token works for one minute of the emulator's clock, one after the other.
      ...TOKENS.map((token, i) => ({ token, expires_at: START + (i + 1) * 60_000 })),
    ],
  };
});

type Provider = Extract<CredentialsInput, (...args: never[]) => unknown>;

/** A provider that hands out TOKENS in turn, optionally telling their expiry; counts calls and how many overlapped. */
function rotating(options: { tellExpiry?: (i: number) => number; delayMs?: number } = {}) {
  let calls = 0;
  let running = 0;
  let maxConcurrent = 0;
  const provide: Provider = async () => {
    const i = calls++;
    running += 1;
    maxConcurrent = Math.max(maxConcurrent, running);
    await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 20));
    running -= 1;
    return { token: TOKENS[i]!, ...(options.tellExpiry ? { expiresAt: options.tellExpiry(i) } : {}) };
  };
  return { provide, calls: () => calls, maxConcurrent: () => maxConcurrent };
}

function apiFor(fixture: EmulatorFixture, credentials: CredentialsInput, options: CreateClientOptions = {}) {
  const tokensSent: string[] = [];
  const fetch = (request: Request): Promise<Response> => {
    tokensSent.push(request.headers.get("x-auth-token") ?? "");
    return fixture.contract.fetch(request);
  };
  const client = createClient({ endpoint: fixture.url, credentials, projectId: TEST_PROJECT_ID, env: {}, fetch, ...options });
  return { das: new DataAnnotationsApi(client), tokensSent };
}

async function seed(fixture: EmulatorFixture, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, i) => writeFile(join(fixture.obs.path, "bucket", "rot", `img-${String(i).padStart(3, "0")}.jpg`), FAKE_JPEG)));
  expect(await fixture.syncAndWait(JOB.id)).toBe(1);
}

describe("a credentials provider", () => {
  it("is not called until a request needs credentials, then once for many requests", async () => {
    const provider = rotating();
    const { das } = apiFor(env(), provider.provide);
    expect(provider.calls()).toBe(0);
    for (let i = 0; i < 3; i++) expect(await das.sync_obs_status({ data_annotation_id: JOB.id })).toMatchObject({ is_success: true });
    expect(provider.calls()).toBe(1);
  });

  it("a token that expires mid-iteration (the service says so with a 401) is refreshed once, and the walk goes on", async () => {
    await seed(env(), 25);
    const provider = rotating();
    const { das, tokensSent } = apiFor(env(), provider.provide);
    const ids: string[] = [];
    for await (const image of das.iterate_images_by_tag({ data_annotation_id: JOB.id, tag_name: "__none__", per_page: 10 })) {
      ids.push(image.image_id);
      // After the first page, the emulator's clock passes the first token's expiry.
      if (ids.length === 10) clock = START + 60_000;
    }
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
    expect(provider.calls()).toBe(2);
    const pages = env().contract.exchanges.filter((e) => new URL(e.request.url).pathname.endsWith(`/${JOB.id}/images`));
    expect(pages.map((e) => [new URL(e.request.url).searchParams.get("page"), e.response.status])).toEqual([
      ["1", 200],
      ["2", 401],
      ["2", 200],
      ["3", 200],
    ]);
    expect(tokensSent.slice(-4)).toEqual([TOKENS[0], TOKENS[0], TOKENS[1], TOKENS[1]]);
  });

  it("16 concurrent calls share one refresh per expiry, and the provider never runs twice at once", async () => {
    const provider = rotating({ delayMs: 50 });
    const { das } = apiFor(env(), provider.provide);
    const burst = () => Promise.all(Array.from({ length: 16 }, () => das.sync_obs_status({ data_annotation_id: JOB.id })));
    expect((await burst()).every((r) => r.is_success)).toBe(true);
    expect(provider.calls()).toBe(1);
    clock = START + 60_000; // the first token expires: all 16 are refused with 401
    expect((await burst()).every((r) => r.is_success)).toBe(true);
    expect(provider.calls()).toBe(2);
    clock = START + 120_000;
    expect((await burst()).every((r) => r.is_success)).toBe(true);
    expect(provider.calls()).toBe(3);
    expect(provider.maxConcurrent()).toBe(1);
  });

  it("credentials with expiresAt are refreshed shortly (60 s) before it, without a 401", async () => {
    // The client is told the first token lasts 60.3 s: it counts as stale after 0.3 s.
    const provider = rotating({ tellExpiry: (i) => (i === 0 ? Date.now() + 60_300 : Date.now() + 3_600_000) });
    const { das, tokensSent } = apiFor(env(), provider.provide);
    const burst = () => Promise.all(Array.from({ length: 16 }, () => das.sync_obs_status({ data_annotation_id: JOB.id })));
    await burst();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await burst();
    expect(provider.calls()).toBe(2);
    expect(env().contract.exchanges.every((e) => e.response.status === 200)).toBe(true);
    expect(new Set(tokensSent.slice(16))).toEqual(new Set([TOKENS[1]]));
  });

  it("a refreshed token that is still refused is not refreshed again: the 401 comes back", async () => {
    // The provider keeps handing out an expired token.
    clock = START + 10 * 60_000;
    let calls = 0;
    const { das } = apiFor(env(), async () => ((calls += 1), { token: TOKENS[0]! }));
    expect(await das.sync_obs_status({ data_annotation_id: JOB.id })).toMatchObject({ is_success: false, http_status: 401, error_code: "ModelArts.0202" });
    expect(calls).toBe(2);
  });

  it("works with temporary AK/SK and a security token too", async () => {
    let calls = 0;
    const { das } = apiFor(env(), async () => ((calls += 1), { ak: TEST_AK, sk: TEST_SK, expiresAt: new Date(Date.now() + 3_600_000) }));
    expect(await das.sync_obs_status({ data_annotation_id: JOB.id })).toMatchObject({ is_success: true });
    expect(calls).toBe(1);
  });

  const CANARY = "CanaryProviderSecret91";
  it.each<[string, unknown, string]>([
    ["a token with a line break", { token: `${CANARY}\n` }, "credentials.token"],
    ["an sk with a NUL", { ak: "AK", sk: `${CANARY}\u0000` }, "credentials.sk"],
    ["no credentials", {}, "credentials.ak"],
    ["an expiresAt that is not a time", { token: "t", expiresAt: "soon" }, "expiresAt"],
  ])("refuses %s with a ModelArtsConfigError, before any request, without the value", async (_label, provided, field) => {
    const { das, tokensSent } = apiFor(env(), (async () => provided) as never);
    const error = await das.sync_obs_status({ data_annotation_id: JOB.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsConfigError);
    expect(error).toMatchObject({ field });
    expect(`${(error as Error).stack} ${JSON.stringify(error)}`).not.toContain(CANARY);
    expect(tokensSent).toHaveLength(0);
  });

  it("a provider that throws gives a ModelArtsConfigError (not a retried network error), and is asked again next call", async () => {
    let calls = 0;
    const { das } = apiFor(env(), async () => {
      calls += 1;
      if (calls === 1) throw new Error("metadata service unreachable");
      return { token: TOKENS[0]! };
    });
    const error = await das.sync_obs_status({ data_annotation_id: JOB.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsConfigError);
    expect((error as Error).cause).toMatchObject({ message: "metadata service unreachable" });
    expect(calls).toBe(1);
    expect(await das.sync_obs_status({ data_annotation_id: JOB.id })).toMatchObject({ is_success: true });
  });
});
