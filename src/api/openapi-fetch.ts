/**
 * The one module that imports openapi-fetch (in maintenance since September 2026): should it
 * ever need replacing, this is the only place to change. Everything else calls `sendOperation`
 * with an entry of the generated operation table, or uses `client.raw`, typed by `RawClient`.
 */
import createFetchClient, { type Client } from "openapi-fetch";
import type { OperationEntry } from "../../generated/operations.js";
import type { paths } from "../../generated/schema.js";

/** The typed openapi-fetch client over the spec's paths. */
export type RawClient = Client<paths>;

export function createRawClient(baseUrl: string, fetch: (request: Request) => Promise<Response>): RawClient {
  return createFetchClient<paths>({ baseUrl, fetch });
}

/** What a call hands to openapi-fetch: parameters split by location, the body, and per-call plumbing. */
export interface OperationInit {
  params: { path: Record<string, string>; query?: Record<string, unknown> };
  body?: unknown;
  headers: Record<string, string>;
  signal?: AbortSignal;
  fetch: (request: Request) => Promise<Response>;
  /** Success bodies are parsed by the caller, so a broken one still has its status. */
  parseAs: "text";
}

export interface OperationOutcome {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * One request for `entry`'s method and path. The entry's wiring to `paths` is checked by the type
 * of the table (src/api/operations.ts), so the loose types here lose nothing.
 */
export function sendOperation(raw: RawClient, entry: OperationEntry, init: OperationInit): Promise<OperationOutcome> {
  return (raw.request as (method: string, path: string, init: OperationInit) => Promise<OperationOutcome>)(entry.method, entry.path, init);
}
