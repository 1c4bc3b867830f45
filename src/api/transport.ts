/**
 * The client's fetch: it authenticates each request at the last moment, after openapi-fetch and
 * any middleware have settled its URL, headers and body, the way @smithy/signature-v4 runs last
 * in the AWS SDK's stack. It also applies the timeout and turns failures to get an answer into
 * ModelArtsNetworkError instead of a bare `TypeError: fetch failed`. (A body that breaks off later
 * is seen by whoever reads it: the helpers convert that too; `client.raw` callers get fetch's error.)
 */
import { signRequestAsync, type SigningCredentials } from "../auth/signer.js";
import type { ResolvedCredentials } from "../config/types.js";
import { ModelArtsAbortError, ModelArtsError, ModelArtsNetworkError } from "../errors.js";

/** A fetch that takes the timeout of this one call; the default is the client's. */
export type Transport = (request: Request, timeoutMs?: number) => Promise<Response>;

export interface TransportOptions {
  credentials: ResolvedCredentials;
  timeoutMs: number;
  /** Undefined where the runtime sets its own (browsers). */
  userAgent: string | undefined;
  fetch: (input: Request) => Promise<Response>;
}

// Only these request headers are signed (besides host, x-sdk-date and x-security-token, which
// the signer adds): a proxy that rewrites User-Agent or adds tracing headers must not break the
// signature, while the content type and project travel protected.
const SIGNED_REQUEST_HEADERS = ["content-type", "x-project-id"] as const;

/** The signer's view of resolved credentials, made once per client so its per-key cache hits. */
function signingCredentials(credentials: ResolvedCredentials): SigningCredentials | undefined {
  if (credentials.kind === "token") return undefined;
  return { ak: credentials.ak, sk: credentials.sk, ...(credentials.securityToken ? { securityToken: credentials.securityToken } : {}) };
}

/**
 * A copy of `request` carrying the token, or the AK/SK signature of exactly the bytes it will
 * send. Redirects are not followed: fetch would forward X-Auth-Token and X-Security-Token to
 * whatever host a 3xx names, so a redirect comes back as an error answer instead.
 */
export async function authenticateRequest(
  request: Request,
  credentials: ResolvedCredentials,
  options: { userAgent?: string; signal?: AbortSignal; date?: Date; signing?: SigningCredentials } = {},
): Promise<Request> {
  const headers = new Headers(request.headers);
  if (options.userAgent !== undefined && !headers.has("user-agent")) headers.set("User-Agent", options.userAgent);
  const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
  if (credentials.kind === "token") {
    headers.set("X-Auth-Token", credentials.token.reveal());
  } else {
    const signedHeaders: Record<string, string> = {};
    for (const name of SIGNED_REQUEST_HEADERS) {
      const value = headers.get(name);
      if (value !== null) signedHeaders[name] = value;
    }
    const added = await signRequestAsync(
      { method: request.method, url: request.url, headers: signedHeaders, body },
      options.signing ?? signingCredentials(credentials)!,
      options.date,
    );
    for (const [name, value] of Object.entries(added)) headers.set(name, value);
  }
  return new Request(request.url, { method: request.method, headers, body, signal: options.signal ?? request.signal, redirect: "manual" });
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return String(cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : error));
}

/**
 * Classifies a thrown fetch/body error. A timeout signal aborts with a "TimeoutError" reason, a
 * caller's AbortController with "AbortError" (or its own reason), which is how the two differ:
 * the first is a ModelArtsNetworkError (reason "timeout"), the second a ModelArtsAbortError.
 * Our own errors (a signer that refuses empty credentials, say) pass through unchanged.
 */
export function toNetworkError(
  error: unknown,
  request: Pick<Request, "method" | "url">,
  signals: { timeout?: AbortSignal | undefined; caller?: AbortSignal | null },
  operation?: string,
): ModelArtsError {
  if (error instanceof ModelArtsError) {
    if (operation !== undefined && error.operation === undefined) Object.assign(error, { operation });
    return error;
  }
  const url = new URL(request.url);
  const target = `${request.method} ${url.origin}${url.pathname}`;
  const context = operation !== undefined ? { cause: error, operation } : { cause: error };
  // The caller's signal first: when it fired, the call was cancelled on purpose, even if the
  // caller made that signal with AbortSignal.timeout.
  if (signals.caller?.aborted) {
    const timedOut = (signals.caller.reason as { name?: string } | undefined)?.name === "TimeoutError";
    return new ModelArtsAbortError(`${target} ${timedOut ? "was cancelled: the caller's signal timed out" : "was aborted by the caller"}`, context);
  }
  if (signals.timeout?.aborted || (error as { name?: string })?.name === "TimeoutError") {
    return new ModelArtsNetworkError(`${target} timed out`, "timeout", context);
  }
  return new ModelArtsNetworkError(`${target} failed: ${describeCause(error)}`, "network", context);
}

export function createTransport(options: TransportOptions): Transport {
  const signing = signingCredentials(options.credentials);
  return async (incoming, timeoutMs = options.timeoutMs) => {
    const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    const signal = timeout ? AbortSignal.any([incoming.signal, timeout]) : incoming.signal;
    try {
      const request = await authenticateRequest(incoming, options.credentials, {
        ...(options.userAgent !== undefined ? { userAgent: options.userAgent } : {}),
        signal,
        ...(signing ? { signing } : {}),
      });
      return await options.fetch(request);
    } catch (error) {
      throw toNetworkError(error, incoming, { timeout, caller: incoming.signal });
    }
  };
}
