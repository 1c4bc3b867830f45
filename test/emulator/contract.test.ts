/**
 * The contract checker itself (test/support/contract.ts): it must catch what it
 * claims to, or "zero violations" in the other tests means nothing.
 */
import { describe, expect, test } from "vitest";
import { checkExchange, type RecordedExchange } from "../support/contract.js";

const BASE = "http://127.0.0.1:1/v1/cc0f0990a56f4b8c9d41c85e79cc511c/data-annotations/282";
const JSON_HEADERS = { "content-type": "application/json", "x-request-id": "6a1bd3b21cf7e2d8e33e4c0e5a9f2c41" };

function exchange(method: string, url: string, status: number, body: unknown, overrides: Partial<RecordedExchange["response"]> = {}, requestBody?: unknown): RecordedExchange {
  return {
    request: {
      method,
      url,
      headers: requestBody === undefined ? {} : { "content-type": "application/json" },
      body: requestBody === undefined ? undefined : JSON.stringify(requestBody),
    },
    response: { status, headers: { ...JSON_HEADERS }, body: body === undefined ? "" : JSON.stringify(body), ...overrides },
  };
}

describe("checkExchange", () => {
  test("accepts exchanges that follow the spec", async () => {
    expect(await checkExchange(exchange("GET", `${BASE}/obs/sync-status`, 200, { is_success: true, sync_status: 3 }))).toEqual([]);
    expect(await checkExchange(exchange("GET", `${BASE}/obs/sync-status`, 400, { error_code: "ModelArts.4338", error_msg: "The resource not exists" }))).toEqual([]);
    expect(await checkExchange(exchange("DELETE", `${BASE}/images/076e3caed758a1c18c91a0e9cae3368f`, 204, undefined, { headers: { "x-request-id": "1" } }))).toEqual([]);
    // An invalid request answered with an error is what the spec asks for.
    expect(await checkExchange(exchange("GET", `${BASE}/images?per_page=0`, 400, { error_code: "ModelArts.0104", error_msg: "Parameter error." }))).toEqual([]);
    expect(await checkExchange(exchange("GET", "http://127.0.0.1:1/nothing", 404, { error_code: "ModelArts.4204", error_msg: "Request api error!" }))).toEqual([]);
  });

  test.each<[string, RecordedExchange, string]>([
    ["an undeclared status", exchange("GET", `${BASE}/obs/sync-status`, 418, { error_code: "x", error_msg: "y" }), "does not declare status 418"],
    ["a body off the schema", exchange("GET", `${BASE}/obs/sync-status`, 200, { is_success: true, sync_status: 7 }), "does not match the schema"],
    ["a missing required field", exchange("GET", `${BASE}/tags`, 200, { is_success: true }), "does not match the schema"],
    ["a missing X-Request-Id", exchange("GET", `${BASE}/obs/sync-status`, 200, { is_success: true, sync_status: 1 }, { headers: { "content-type": "application/json" } }), "X-Request-Id is missing"],
    ["a body on a 204", exchange("DELETE", `${BASE}/images/076e3caed758a1c18c91a0e9cae3368f`, 204, { is_success: true }), "declares no body"],
    ["a non-JSON content type", exchange("GET", `${BASE}/obs/sync-status`, 200, { is_success: true, sync_status: 1 }, { headers: { "content-type": "text/plain", "x-request-id": "1" } }), "not application/json"],
    ["a success answer to an invalid query", exchange("GET", `${BASE}/images?per_page=101`, 200, {}), "request the spec forbids"],
    ["a success answer to an invalid body", exchange("POST", `${BASE}/images/delete`, 200, { is_success: true }, {}, { image_id: [] }), "request the spec forbids"],
    ["an answer to an unknown route other than 404", exchange("GET", "http://127.0.0.1:1/nothing", 200, {}), "no such operation"],
  ])("reports %s", async (_, recorded, message) => {
    const violations = await checkExchange(recorded);
    expect(violations.join("\n")).toContain(message);
  });
});
