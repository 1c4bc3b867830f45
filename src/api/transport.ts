/**
 * The client's fetch: it authenticates each request at the last moment, after openapi-fetch and
 * any middleware have settled its URL, headers and body, the way @smithy/signature-v4 runs last
 * in the AWS SDK's stack. It also applies the timeout and turns failures to get an answer into
 * ModelArtsNetworkError instead of a bare `TypeError: fetch failed`. (A body that breaks off later
 * is seen by whoever reads it: the helpers convert that too; `client.raw` callers get fetch's error.)
 */
import { signRequestAsync } from "../auth/signer.js";
import { readCredentialsInput } from "../config/options.js";
import { abortError } from "./retry.js";
import type { ClientCredentials, CredentialsProvider, ResolvedCredentials } from "../config/types.js";
import { ModelArtsArgumentError, ModelArtsConfigError, ModelArtsError, ModelArtsNetworkError, ModelArtsServiceError } from "../errors.js";

/**
 * A fetch that takes the timeout of this one call (the default is the client's), and the
 * redaction of every credential it holds, for whoever turns a lower layer's error into ours.
 */
export type Transport = ((request: Request, timeoutMs?: number) => Promise<Response>) & { redact: Redact };

/** Replaces every credential the client holds with "[REDACTED]". */
export type Redact = (text: string) => string;

export interface TransportOptions {
  credentials: ClientCredentials;
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

/**
 * A copy of `request` carrying the token, or the AK/SK signature of exactly the bytes it will
 * send. Redirects are not followed: fetch would forward X-Auth-Token and X-Security-Token to
 * whatever host a 3xx names, so a redirect comes back as an error answer instead.
 */
export async function authenticateRequest(
  request: Request,
  credentials: ResolvedCredentials,
  options: { userAgent?: string | undefined; signal?: AbortSignal; date?: Date } = {},
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
    // The resolved credentials are the signer's (a client keeps the same object, so the
    // signer's per-credentials key cache hits).
    const added = await signRequestAsync({ method: request.method, url: request.url, headers: signedHeaders, body }, credentials, options.date);
    for (const [name, value] of Object.entries(added)) headers.set(name, value);
  }
  return new Request(request.url, { method: request.method, headers, body, signal: options.signal ?? request.signal, redirect: "manual" });
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return String(cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : error));
}

/** A redaction of each of `secrets` (the longest first, so that one inside another goes whole). */
function redactor(secrets: readonly (string | undefined)[]): Redact {
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
  const context = { cause: error, operation };
  // The caller's signal first: when it fired, the call was cancelled on purpose, even if the
  // caller made that signal with AbortSignal.timeout.
  if (signals.caller?.aborted) return abortError(signals.caller, operation, target, error);
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
  // A null-body status (204, 304) cannot be rebuilt with a stream, even an empty one as browsers give.
  if (limit === 0 || response.body === null || [101, 103, 204, 205, 304].includes(response.status)) return response;
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

/** Credentials as the transport uses them: fixed, or the provider's current ones. */
interface Held {
  credentials: ResolvedCredentials;
  /** performance.now() time from which they are refreshed before use; Infinity for never. */
  refreshAt: number;
}

// Temporary credentials are replaced this long before their expiresAt, so that a request signed
// just before it is not refused on arrival (clock skew, a slow upload).
const REFRESH_BEFORE_EXPIRY_MS = 60_000;
// The answers that say the credentials (not the request) expired: the emulator's and ModelArts'
// "Token expired" and the API gateway's. An assumption of ours: the reference lists no code for
// an expired security token.
const EXPIRED = /"error_code"\s*:\s*"(?:ModelArts\.0202|APIGW\.0307)"/;

function held(credentials: ResolvedCredentials, refreshAt = Infinity): Held {
  return { credentials, refreshAt };
}

function secretsOf(credentials: ResolvedCredentials): string[] {
  return credentials.kind === "token" ? [credentials.token.reveal()] : [credentials.ak, credentials.sk.reveal(), credentials.securityToken?.reveal() ?? ""];
}

/**
 * A provider's credentials, checked as options are (a line break in a token is refused here too),
 * cached until shortly before `expiresAt`, and fetched by one call however many requests wait.
 */
function providerSource(provide: CredentialsProvider, remember: (secrets: string[]) => void): { get(): Promise<Held>; expired(used: Held): void } {
  let current: Held | undefined;
  let pending: Promise<Held> | undefined;
  const fail = (field: string, problem: string): ModelArtsConfigError =>
    new ModelArtsConfigError(`the credentials provider returned unusable ${field}: ${problem}`, { field });
  const refresh = async (): Promise<Held> => {
    let provided: unknown;
    try {
      provided = await provide();
    } catch (error) {
      if (error instanceof ModelArtsError) throw error;
      throw Object.assign(new ModelArtsConfigError("the credentials provider failed", { field: "credentials" }), { cause: error });
    }
    const { expiresAt, ...rest } = (provided ?? {}) as { expiresAt?: unknown };
    const at = expiresAt instanceof Date ? expiresAt.getTime() : expiresAt;
    if (at !== undefined && (typeof at !== "number" || Number.isNaN(at))) throw fail("expiresAt", "must be a Date or milliseconds since the epoch");
    const credentials = readCredentialsInput(rest, fail);
    if (credentials === undefined) throw fail("credentials", "must be { ak, sk, securityToken?, expiresAt? } or { token, expiresAt? }");
    remember(secretsOf(credentials));
    return held(credentials, at === undefined ? Infinity : performance.now() + (at - Date.now()) - REFRESH_BEFORE_EXPIRY_MS);
  };
  return {
    get() {
      if (current !== undefined && performance.now() < current.refreshAt) return Promise.resolve(current);
      pending ??= refresh().then(
        (next) => ((pending = undefined), (current = next)),
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
    // Only the first of many requests refused with the same credentials drops them; the others
    // then wait for, or find, the replacement.
    expired(used) {
      if (current === used) current = undefined;
    },
  };
}

export function createTransport(options: TransportOptions): Transport {
  const given = options.credentials;
  // The provider's credentials of the last two refreshes, so that an error about a request signed
  // with the previous ones is redacted too.
  let secrets: string[][] = [];
  let redact: Redact = (text) => text;
  const remember = (next: string[]): void => {
    secrets = [next, ...secrets].slice(0, 2);
    redact = redactor(secrets.flat());
  };
  const source =
    given.kind === "provider"
      ? providerSource(given.provide, remember)
      : (remember(secretsOf(given)), { get: ((fixed) => () => Promise.resolve(fixed))(held(given)), expired: () => {} });
  const transport = async (incoming: Request, timeoutMs = options.timeoutMs): Promise<Response> => {
    const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    const signal = timeout ? AbortSignal.any([incoming.signal, timeout]) : incoming.signal;
    // A provider's request may be sent twice (after an expired-token 401), so its body is kept.
    const copy = given.kind === "provider" ? incoming.clone() : undefined;
    for (let retried = false; ; retried = true) {
      const current = await source.get();
      let request: Request;
      try {
        request = await authenticateRequest(retried ? copy! : (copy?.clone() ?? incoming), current.credentials, { userAgent: options.userAgent, signal });
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
      response = capped(response, options.maxResponseBytes, `${incoming.method} ${new URL(incoming.url).pathname}`);
      if (copy !== undefined && !retried && response.status === 401 && EXPIRED.test(await response.clone().text().catch(() => ""))) {
        source.expired(current);
        continue;
      }
      return response;
    }
  };
  return Object.assign(transport, { redact: (text: string) => redact(text) });
}
