/**
 * The package's public client, pointed at an emulator fixture: TEST_AK/TEST_SK, the test
 * project, no environment, and the fixture's recording fetch, so every exchange is
 * contract-checked. `options` override any of these (other credentials, a counting fetch).
 */
import { createClient, DataAnnotationsApi, LabelApi, type CreateClientOptions, type ModelArtsClient } from "../../src/index.node.js";
import { TEST_AK, TEST_PROJECT_ID, TEST_SK, type EmulatorFixture } from "./emulator.js";

export function publicClientFor(fixture: EmulatorFixture, options: CreateClientOptions = {}): ModelArtsClient {
  return createClient({
    endpoint: fixture.url,
    credentials: { ak: TEST_AK, sk: TEST_SK },
    projectId: TEST_PROJECT_ID,
    env: {},
    fetch: fixture.contract.fetch,
    ...options,
  });
}

export function publicApisFor(fixture: EmulatorFixture, options: CreateClientOptions = {}): { das: DataAnnotationsApi; label: LabelApi } {
  const client = publicClientFor(fixture, options);
  return { das: new DataAnnotationsApi(client), label: new LabelApi(client) };
}
