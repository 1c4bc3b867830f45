/**
 * The emulator as a test fixture: a temp OBS root with the given objects, an emulator
 * on a free loopback port that accepts one AK/SK pair and one token, typed clients for
 * both that record every exchange, and contract checking of those exchanges.
 *
 *   const env = useEmulator({ jobs: [CATS], objects: { "bucket/cats/a.png": tinyPng() } });
 *   test("...", async () => {
 *     await env().syncAndWait("282");
 *     const { data } = await env().client.GET(API.tags, {
 *       params: { path: { project_id: env().projectId, data_annotation_id: "282" } } });
 *   });
 *
 * useEmulator starts a fresh one per test and fails the test on any contract violation;
 * withEmulator is the same without vitest hooks (call close() yourself).
 */
import { afterEach, beforeEach } from "vitest";
import { startEmulator, type EmulatorCredential, type EmulatorHandle, type EmulatorOptions, type SyncStatus } from "../../src/emulator/index.js";
import { API, createApiClient, sendSigned, type ApiClient, type RawRequest, type TestCredentials } from "./client.js";
import { ContractRecorder } from "./contract.js";
import { TempObsRoot, type ObsObjects } from "./images.js";

export const TEST_PROJECT_ID = "cc0f0990a56f4b8c9d41c85e79cc511c";
export const TEST_AK = "EMULATORTESTAK000001";
export const TEST_SK = "emulator-test-sk-0000000000000000000001";
export const TEST_TOKEN = "emulator-test-token-000001";

/** How long syncAndWait polls, by default, before it gives up on a sync that stays in state 3. */
export const SYNC_WAIT_MS = 10_000;

export interface EmulatorFixtureOptions extends Partial<Omit<EmulatorOptions, "obsRoot">> {
  /** Objects to create before the emulator starts, by "bucket/key". */
  objects?: ObsObjects;
  /** Empty folders to create (buckets or prefixes without objects). */
  folders?: string[];
}

export interface EmulatorFixture {
  emulator: EmulatorHandle;
  url: string;
  obs: TempObsRoot;
  projectId: string;
  /** Records every exchange of the fixture's clients and `send`. */
  contract: ContractRecorder;
  /** Signed with TEST_AK / TEST_SK by our signer. */
  client: ApiClient;
  /** Authenticated with TEST_TOKEN. */
  tokenClient: ApiClient;
  /** Another recording client, with other credentials (which the emulator may refuse). */
  clientWith(credentials: TestCredentials, date?: () => Date): ApiClient;
  /** A raw request signed with TEST_AK / TEST_SK, recorded like the clients'. */
  send(request: RawRequest): Promise<Response>;
  /** sync_obs, then polls sync_obs_status until it is not 3, failing after timeoutMs (default SYNC_WAIT_MS); returns the final status. */
  syncAndWait(jobId: string, projectId?: string, options?: { timeoutMs?: number }): Promise<SyncStatus>;
  close(): Promise<void>;
}

export const DEFAULT_CREDENTIALS: EmulatorCredential[] = [
  { ak: TEST_AK, sk: TEST_SK },
  { token: TEST_TOKEN },
];

export async function withEmulator(options: EmulatorFixtureOptions = {}): Promise<EmulatorFixture> {
  const { objects, folders, ...emulatorOptions } = options;
  const obs = await TempObsRoot.create(objects);
  for (const folder of folders ?? []) await obs.folder(folder);
  let emulator: EmulatorHandle;
  try {
    emulator = await startEmulator({ credentials: DEFAULT_CREDENTIALS, syncDelayMs: 0, ...emulatorOptions, obsRoot: obs.path });
  } catch (error) {
    await obs.dispose();
    throw error;
  }
  const contract = new ContractRecorder();
  const clientWith = (credentials: TestCredentials, date?: () => Date): ApiClient =>
    createApiClient({ baseUrl: emulator.url, credentials, fetch: contract.fetch, ...(date ? { date } : {}) });
  const client = clientWith({ ak: TEST_AK, sk: TEST_SK });
  const projectId = TEST_PROJECT_ID;

  return {
    emulator,
    url: emulator.url,
    obs,
    projectId,
    contract,
    client,
    tokenClient: clientWith({ token: TEST_TOKEN }),
    clientWith,
    send: (request) => sendSigned(emulator.url, request, { ak: TEST_AK, sk: TEST_SK }, contract.fetch),
    async syncAndWait(jobId, project = projectId, { timeoutMs = SYNC_WAIT_MS } = {}) {
      const path = { project_id: project, data_annotation_id: jobId };
      const started = await client.POST(API.sync, { params: { path } });
      if (started.response.status !== 202) throw new Error(`sync_obs of job ${jobId} answered ${started.response.status}: ${JSON.stringify(started.error)}`);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { data, error } = await client.GET(API.syncStatus, { params: { path } });
        if (data === undefined) throw new Error(`sync_obs_status of job ${jobId} failed: ${JSON.stringify(error)}`);
        if (data.sync_status !== 3) return data.sync_status;
        if (Date.now() > deadline) {
          throw new Error(`the sync of job ${jobId} was still running (sync_status 3) after ${timeoutMs} ms; is syncDelayMs too long, or does the scan hang?`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close() {
      await emulator.close();
      await obs.dispose();
    },
  };
}

/**
 * A fresh emulator for each test of the enclosing suite, closed after it, and the
 * test failed if any recorded exchange broke the contract. Returns an accessor for
 * the current test's fixture.
 */
export function useEmulator(options: EmulatorFixtureOptions | (() => EmulatorFixtureOptions) = {}): () => EmulatorFixture {
  let fixture: EmulatorFixture | undefined;
  beforeEach(async () => {
    fixture = await withEmulator(typeof options === "function" ? options() : options);
  });
  afterEach(async () => {
    const current = fixture;
    fixture = undefined;
    if (current === undefined) return;
    try {
      await current.contract.assertNoViolations();
    } finally {
      await current.close();
    }
  });
  return () => {
    if (fixture === undefined) throw new Error("the emulator fixture is only available inside a test");
    return fixture;
  };
}
