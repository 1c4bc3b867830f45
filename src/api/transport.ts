/**
 * The client's fetch: it signs each request at the last moment, after openapi-fetch and any
 * middleware have settled its URL, headers and body, the way @smithy/signature-v4 runs last in
 * the AWS SDK's stack. It also applies the default timeout and turns transport failures into
 * ModelArtsNetworkError, so callers never see a bare `TypeError: fetch failed`.
 */
import { signRequest } from "../auth/signer.js";
import type { ResolvedCredentials } from "../config/index.js";
import { ModelArtsNetworkError } from "../errors.js";

export type FetchLike = (request: Request) => Promise<Response>;

export interface TransportOptions {
  credentials: ResolvedCredentials;
  timeoutMs: number;
  userAgent: string;
  fetch: (input: Request) => Promise<Response>;
}

// Only these request headers are signed (besides host, x-sdk-date and x-security-token, which
// the signer adds): a proxy that rewrites User-Agent or adds tracing headers must not break the
// signature, while the content type and project travel protected.
const SIGNED_REQUEST_HEADERS = ["content-type", "x-project-id"] as const;

async function authenticate(request: Request, credentials: ResolvedCredentials): Promise<Request> {
  const headers = new Headers(request.headers);
  if (credentials.kind === "token") {
    headers.set("X-Auth-Token", credentials.token.reveal());
    return new Request(request, { headers });
  }
  const body = request.body === null ? undefined : new Uint8Array(await request.clone().arrayBuffer());
  const signedHeaders: Record<string, string> = {};
  for (const name of SIGNED_REQUEST_HEADERS) {
    const value = headers.get(name);
    if (value !== null) signedHeaders[name] = value;
  }
  const added = signRequest(
    { method: request.method, url: request.url, headers: signedHeaders, body },
    { ak: credentials.ak, sk: credentials.sk, ...(credentials.securityToken ? { securityToken: credentials.securityToken } : {}) },
  );
  for (const [name, value] of Object.entries(added)) headers.set(name, value);
  // A fresh Request from the bytes that were hashed: what is sent is exactly what was signed.
  return new Request(request.url, {
    method: request.method,
    headers,
    body,
    signal: request.signal,
    redirect: request.redirect,
  });
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return String(detail);
}

/**
 * Classifies a thrown fetch/body error. A timeout signal aborts with a "TimeoutError" reason, a
 * caller's AbortController with "AbortError" (or its own reason), which is how the two differ.
 */
export function toNetworkError(error: unknown, request: Pick<Request, "method" | "url">, signals: { timeout?: AbortSignal; caller?: AbortSignal | null }, operation?: string): ModelArtsNetworkError {
  if (error instanceof ModelArtsNetworkError) return error;
  const target = `${request.method} ${new URL(request.url).origin}${new URL(request.url).pathname}`;
  const callerReason = signals.caller?.aborted ? (signals.caller.reason as { name?: string } | undefined) : undefined;
  if (signals.timeout?.aborted || callerReason?.name === "TimeoutError") {
    return new ModelArtsNetworkError(`${target} timed out`, "timeout", { cause: error, ...(operation ? { operation } : {}) });
  }
  if (signals.caller?.aborted) {
    return new ModelArtsNetworkError(`${target} was aborted by the caller`, "aborted", { cause: error, ...(operation ? { operation } : {}) });
  }
  return new ModelArtsNetworkError(`${target} failed: ${describeCause(error)}`, "network", { cause: error, ...(operation ? { operation } : {}) });
}

export function createTransport(options: TransportOptions): FetchLike {
  return async (incoming: Request) => {
    const timeout = options.timeoutMs > 0 ? AbortSignal.timeout(options.timeoutMs) : undefined;
    const signal = timeout ? AbortSignal.any([incoming.signal, timeout]) : incoming.signal;
    const withAgent = new Headers(incoming.headers);
    if (!withAgent.has("user-agent")) withAgent.set("User-Agent", options.userAgent);
    const request = await authenticate(new Request(incoming, { headers: withAgent, signal }), options.credentials);
    try {
      return await options.fetch(request);
    } catch (error) {
      throw toNetworkError(error, request, { timeout, caller: incoming.signal });
    }
  };
}
