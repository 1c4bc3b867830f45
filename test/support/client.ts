/**
 * Typed openapi-fetch clients for tests, authenticated the two ways the gateway
 * accepts: an AK/SK signature made by our signer (src/auth/signer.ts) in a middleware,
 * or an IAM token header. Pass a recording fetch (contract.ts) to check every exchange.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths } from "../../generated/schema.js";
import { Secret } from "../../src/auth/secret.js";
import { signRequestOnNode as signRequest } from "../../src/auth/signer-node.js";
import type { SigningCredentials } from "../../src/auth/signer.js";
import { authenticateRequest } from "../../src/api/transport.js";

export type ApiClient = Client<paths>;

export type TestCredentials = SigningCredentials | { token: string };

/** Signs each request as it finally leaves openapi-fetch, exactly as the shipped client's transport does. */
export function signingMiddleware(credentials: SigningCredentials, date?: () => Date): Middleware {
  const resolved = {
    kind: "aksk" as const,
    ak: credentials.ak,
    sk: Secret.from(credentials.sk),
    ...(credentials.securityToken ? { securityToken: Secret.from(credentials.securityToken) } : {}),
  };
  return {
    onRequest: ({ request }) => authenticateRequest(request, resolved, date ? { date: date() } : {}),
  };
}

export function tokenMiddleware(token: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set("X-Auth-Token", token);
      return request;
    },
  };
}

export interface ApiClientOptions {
  baseUrl: string;
  credentials: TestCredentials;
  /** Defaults to the global fetch; pass `ContractRecorder.fetch` to record the exchanges. */
  fetch?: (input: Request) => Promise<Response>;
  /** Clock for X-Sdk-Date, to test the skew window. */
  date?: () => Date;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  client.use("token" in options.credentials ? tokenMiddleware(options.credentials.token) : signingMiddleware(options.credentials, options.date));
  return client;
}

export interface RawRequest {
  method: string;
  /** Path and query, appended to the base URL as is (no encoding is added). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
}

/**
 * Signs and sends a request that the typed client would refuse to build (unknown
 * route, malformed JSON, wrong content type), through the given fetch.
 */
export async function sendSigned(
  baseUrl: string,
  request: RawRequest,
  credentials: SigningCredentials,
  fetchImpl: (input: Request) => Promise<Response> = fetch,
): Promise<Response> {
  const url = baseUrl + request.path;
  const headers = new Headers(request.headers);
  const signed = signRequest({ method: request.method, url, headers, body: request.body ?? null }, credentials);
  for (const [name, value] of Object.entries(signed)) headers.set(name, value);
  return fetchImpl(new Request(url, { method: request.method, headers, ...(request.body === undefined ? {} : { body: request.body }) }));
}

/** The spec's paths by a short name, for `client.GET(API.images, ...)`. */
export const API = {
  images: "/v1/{project_id}/data-annotations/{data_annotation_id}/images",
  imagesDelete: "/v1/{project_id}/data-annotations/{data_annotation_id}/images/delete",
  image: "/v1/{project_id}/data-annotations/{data_annotation_id}/images/{image_id}",
  imageTags: "/v1/{project_id}/data-annotations/{data_annotation_id}/images/{image_id}/tags",
  tags: "/v1/{project_id}/data-annotations/{data_annotation_id}/tags",
  tagsShow: "/v1/{project_id}/data-annotations/{data_annotation_id}/tags/show",
  tagsStats: "/v1/{project_id}/data-annotations/{data_annotation_id}/tags/stats",
  sync: "/v1/{project_id}/data-annotations/{data_annotation_id}/obs/sync",
  syncStatus: "/v1/{project_id}/data-annotations/{data_annotation_id}/obs/sync-status",
  validation: "/v1/{project_id}/annotation-jobs/{job_id}/validation",
} as const satisfies Record<string, keyof paths>;
