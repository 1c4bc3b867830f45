/**
 * The client's fetch: it authenticates each request at the last moment, after openapi-fetch and
 * any middleware have settled its URL, headers and body, the way @smithy/signature-v4 runs last
 * in the AWS SDK's stack. It also applies the timeout and turns failures to get an answer into
 * ModelArtsNetworkError instead of a bare `TypeError: fetch failed`. (A body that breaks off later
 * is seen by whoever reads it: the helpers convert that too; `client.raw` callers get fetch's error.)
 */
import { signRequestAsync, type SigningCredentials } from "../auth/signer.js";
import type { ResolvedCredentials } from "../config/types.js";
import { ModelArtsAbortError, ModelArtsArgumentError, ModelArtsError, ModelArtsNetworkError, ModelArtsServiceError } from "../errors.js";

/**
 * A fetch that takes the timeout of this one call (the default is the client's), and the
 * redaction of every credential it holds, for whoever turns a lower layer's error into ours.
 */
export type Transport = ((request: Request, timeoutMs?: number) => Promise<Response>) & { redact: Redact };

/** Replaces every credential the client holds with "[REDACTED]". */
export type Redact = (text: string) => string;

export interface TransportOptions {
  credentials: ResolvedCredentials;
  timeoutMs: number;
  /** Undefined where the runtime sets its own (browsers). */
  userAgent: string | undefined;
  fetch: (input: Request) => Promise<Response>;
  /** Largest response body read, in bytes; 0 for no limit. */
  maxResponseBytes: number;
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

/** A redaction of each of `secrets` (the longest first, so that one inside another goes whole). */
export function redactor(secrets: readonly (string | undefined)[]): Redact {
  const values = secrets.filter((s): s is string => !!s).sort((a, b) => b.length - a.length);
  return (text) => values.reduce((out, secret) => out.split(secret).join("[REDACTED]"), text);
}

/**
 * `error` as it may be kept as a cause: unchanged when neither its message nor its causes hold a
 * credential (Headers, fetch and undici quote values they refuse), else a copy of name, code and
 * redacted message, so that neither `message`, `cause` nor `stack` carries the secret.
 */
function scrub(error: unknown, redact: Redact): unknown {
  if (typeof error === "string") return redact(error);
  if (!(error instanceof Error)) return error;
  const message = redact(error.message);
  const cause = scrub(error.cause, redact);
  if (message === error.message && cause === error.cause && redact(String(error.stack)) === error.stack) return error;
  const copy = Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { name: error.name });
  if ((error as { code?: unknown }).code !== undefined) Object.assign(copy, { code: (error as { code?: unknown }).code });
  return copy;
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
  redact: Redact = (text) => text,
): ModelArtsError {
  if (error instanceof ModelArtsError) {
    if (operation !== undefined && error.operation === undefined) Object.assign(error, { operation });
    return error;
  }
  error = scrub(error, redact);
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

/**
 * `response` with a body that fails as soon as more than `limit` bytes have come: a declared
 * Content-Length over it fails at once, and a streamed body is cut off in the chunk that passes
 * it, so a runaway answer costs the limit in memory, not its own size.
 */
function capped(response: Response, limit: number, target: string): Response {
  if (limit === 0 || response.body === null) return response;
  const tooLarge = (): ModelArtsServiceError =>
    new ModelArtsServiceError(
      {
        error_code: "CLIENT.RESPONSE_TOO_LARGE",
        error_msg: `the answer's body is larger than maxResponseBytes (${limit} bytes); it was not read further`,
        http_status: response.status,
        request_id: response.headers.get("x-request-id"),
      },
      target,
    );
  if (Number(response.headers.get("content-length")) > limit) {
    void response.body.cancel().catch(() => {});
    throw tooLarge();
  }
  let received = 0;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > limit) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

export function createTransport(options: TransportOptions): Transport {
  const signing = signingCredentials(options.credentials);
  const held = options.credentials;
  const redact = redactor(held.kind === "token" ? [held.token.reveal()] : [held.ak, held.sk.reveal(), held.securityToken?.reveal()]);
  const transport = async (incoming: Request, timeoutMs = options.timeoutMs): Promise<Response> => {
    const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    const signal = timeout ? AbortSignal.any([incoming.signal, timeout]) : incoming.signal;
    let request: Request;
    try {
      request = await authenticateRequest(incoming, options.credentials, {
        ...(options.userAgent !== undefined ? { userAgent: options.userAgent } : {}),
        signal,
        ...(signing ? { signing } : {}),
      });
    } catch (error) {
      if (error instanceof ModelArtsError) throw error;
      // Nothing was sent: a header value the runtime refuses (a User-Agent with a line break) is
      // a mistake to fix, not a network fault to retry.
      const problem = scrub(error, redact);
      throw new ModelArtsArgumentError("request", `cannot be sent: ${problem instanceof Error ? problem.message : String(problem)}`);
    }
    let response: Response;
    try {
      response = await options.fetch(request);
    } catch (error) {
      throw toNetworkError(error, incoming, { timeout, caller: incoming.signal }, undefined, redact);
    }
    const url = new URL(incoming.url);
    return capped(response, options.maxResponseBytes, `${incoming.method} ${url.pathname}`);
  };
  return Object.assign(transport, { redact });
}
