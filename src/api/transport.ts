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
import type { ClientCredentials, ResolvedCredentials } from "../config/types.js";
import { ModelArtsArgumentError, ModelArtsConfigError, ModelArtsError, ModelArtsNetworkError } from "../errors.js";

/**
 * A fetch that takes the timeout of this one call (the default is the client's), and the
 * redaction of every credential it holds, for whoever turns a lower layer's error into ours, and
 * the kind of credentials it has (what a client shows of them).
 */
export type Transport = ((request: Request, timeoutMs?: number) => Promise<Response>) & { redact: Redact; auth: ClientCredentials["kind"] };

/** Replaces every credential the client holds with "[REDACTED]". */
export type Redact = (text: string) => string;

export interface TransportOptions {
  credentials: ClientCredentials;
  timeoutMs: number;
  /** Undefined where the runtime sets its own (browsers). */
  userAgent: string | undefined;
  fetch: (input: Request) => Promise<Response>;
}

interface AuthenticateOptions {
  userAgent?: string | undefined;
  signal?: AbortSignal;
  date?: Date;
}

/**
 * A copy of `request` with `body` (its bytes, read once by the caller) carrying the token, or the
 * AK/SK signature of exactly those bytes. Only Content-Type and X-Project-Id are signed (besides
 * host, X-Sdk-Date and X-Security-Token, which the signer adds): a proxy that rewrites User-Agent
 * or adds tracing headers must not break the signature. Redirects are not followed: fetch would
 * forward X-Auth-Token and X-Security-Token to whatever host a 3xx names, so a redirect comes back
 * as an error answer instead.
 */
async function authenticate(
  request: Request,
  body: ArrayBuffer | null,
  credentials: ResolvedCredentials,
  userAgent: string | undefined,
  signal: AbortSignal,
  date?: Date,
): Promise<Request> {
  const headers = new Headers(request.headers);
  if (userAgent !== undefined && !headers.has("user-agent")) headers.set("User-Agent", userAgent);
  if (credentials.kind === "token") headers.set("X-Auth-Token", credentials.token.reveal());
  else {
    // The resolved credentials are the signer's (a client keeps the same object, so the
    // signer's per-credentials key cache hits).
    const signedHeaders = [...headers].filter(([name]) => name === "content-type" || name === "x-project-id");
    const added = await signRequestAsync({ method: request.method, url: request.url, headers: signedHeaders, body }, credentials, date);
    for (const [name, value] of Object.entries(added)) headers.set(name, value);
  }
  return new Request(request, { headers, body, signal, redirect: "manual" });
}

/** `request` authenticated as the client's transport does it (the tests' openapi-fetch middleware uses it). */
export async function authenticateRequest(request: Request, credentials: ResolvedCredentials, options: AuthenticateOptions = {}): Promise<Request> {
  return authenticate(request, request.body && (await request.arrayBuffer()), credentials, options.userAgent, options.signal ?? request.signal, options.date);
}

/** What a failure was, in a few words: the runtime's code (ECONNREFUSED) or message. */
function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return String(cause?.code ?? cause?.message ?? (error as Error | undefined)?.message ?? error);
}

/**
 * `error` as it may be kept as a cause: unchanged when neither its message nor its causes hold a
 * credential (Headers, fetch and undici quote values they refuse), else a copy of name, code and
 * redacted message, so that neither `message`, `cause` nor `stack` carries the secret.
 */
function scrub(error: unknown, redact: Redact): unknown {
  if (!(error instanceof Error)) return typeof error === "string" ? redact(error) : error;
  const message = redact(error.message);
  const cause = scrub(error.cause, redact);
  return message === error.message && cause === error.cause && redact(String(error.stack)) === error.stack
    ? error
    : Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { name: error.name, code: (error as { code?: unknown }).code });
}

/** "GET https://host/path", without the query: what a message names a request by. */
export const describeRequest = ({ method, url }: Pick<Request, "method" | "url">): string => `${method} ${url.replace(/[?#].*/s, "")}`;

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
  redact: Redact = String,
): ModelArtsError {
  if (error instanceof ModelArtsError) {
    (error as { operation?: string }).operation ??= operation;
    return error;
  }
  const cause = scrub(error, redact);
  const target = describeRequest(request);
  // The caller's signal first: when it fired, the call was cancelled on purpose, even if the
  // caller made that signal with AbortSignal.timeout.
  if (signals.caller?.aborted) return abortError(signals.caller, operation, target, cause);
  const timedOut = signals.timeout?.aborted || (cause as Error | undefined)?.name === "TimeoutError";
  return new ModelArtsNetworkError(`${target} ${timedOut ? "timed out" : `failed: ${describeCause(cause)}`}`, timedOut ? "timeout" : "network", { cause, operation });
}

// The codes that say the credentials (not the request) expired: the emulator's and ModelArts'
// "Token expired" and the API gateway's. An assumption of ours: the reference lists no code for
// an expired security token. Found anywhere in a 401's body, as a JSON string: at worst, one more
// attempt with fresh credentials.
const EXPIRED = /"(ModelArts\.0202|APIGW\.0307)"/;

/**
 * Fixed credentials and a provider's take one path: a source that fixed credentials fill once for
 * good, and a provider's answer, checked as options are (a line break in a token is refused here
 * too), fills until shortly before `expiresAt`, by one call however many requests wait.
 */
export function createTransport({ credentials: given, timeoutMs: defaultTimeoutMs, userAgent, fetch }: TransportOptions): Transport {
  // The credentials of the last refreshes, newest first (six values: two sets of AK, SK and security
  // token, or six tokens), so that an error about a request signed with the previous ones is
  // redacted too.
  let secrets: string[] = [];
  let current: ResolvedCredentials | undefined;
  // The performance.now() time from which `current` is refreshed before use (Infinity: never).
  let refreshAt = 0;
  let pending: Promise<ResolvedCredentials> | undefined;
  // The longest first, so that one inside another goes whole.
  const redact: Redact = (text) => [...secrets].sort((a, b) => b.length - a.length).reduce((out, secret) => out.split(secret).join("[REDACTED]"), text);
  const fail = (field: string, problem: string): ModelArtsConfigError =>
    new ModelArtsConfigError(`the credentials provider returned unusable ${field}: ${problem}`, { field });

  const hold = (credentials: ResolvedCredentials, expiresAt = Infinity): ResolvedCredentials => {
    secrets = [...(credentials.kind === "token" ? [credentials.token.reveal()] : [credentials.ak, credentials.sk.reveal(), credentials.securityToken?.reveal()]), ...secrets]
      .filter((secret): secret is string => !!secret)
      .slice(0, 6);
    // Temporary credentials are replaced 60 s before their expiresAt, so that a request signed just
    // before it is not refused on arrival (clock skew, a slow upload).
    refreshAt = performance.now() + expiresAt - Date.now() - 60_000;
    return (current = credentials);
  };
  const refresh = async (): Promise<ResolvedCredentials> => {
    if (given.kind !== "provider") return hold(given);
    let provided: unknown;
    try {
      provided = await given.provide();
    } catch (error) {
      throw Object.assign(new ModelArtsConfigError("the credentials provider failed", { field: "credentials" }), { cause: error });
    }
    const { expiresAt, ...rest } = (provided ?? {}) as { expiresAt?: unknown };
    const at = expiresAt instanceof Date ? expiresAt.getTime() : expiresAt;
    if (at !== undefined && (typeof at !== "number" || Number.isNaN(at))) throw fail("expiresAt", "must be a Date or milliseconds since the epoch");
    // An object without credentials is refused there as a missing credentials.ak.
    return hold(readCredentialsInput(rest, fail)!, at);
  };

  const transport = async (incoming: Request, timeoutMs = defaultTimeoutMs): Promise<Response> => {
    const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    const signal = timeout ? AbortSignal.any([incoming.signal, timeout]) : incoming.signal;
    // Read once: a provider's request may be sent twice (after an expired-credentials 401).
    let body: Promise<ArrayBuffer> | null | undefined;
    for (let retried = false; ; retried = true) {
      const credentials = current && performance.now() < refreshAt ? current : await (pending ??= refresh().finally(() => (pending = undefined)));
      let request: Request;
      try {
        request = await authenticate(incoming, await (body ??= incoming.body && incoming.arrayBuffer()), credentials, userAgent, signal);
      } catch (error) {
        if (error instanceof ModelArtsError) throw error;
        // Nothing was sent: a header value the runtime refuses (a User-Agent with a line break) is
        // a mistake to fix, not a network fault to retry.
        throw new ModelArtsArgumentError("request", `cannot be sent: ${redact(describeCause(error))}`);
      }
      let response: Response;
      try {
        response = await fetch(request);
      } catch (error) {
        throw toNetworkError(error, incoming, { timeout, caller: incoming.signal }, undefined, redact);
      }
      // Only the first of many requests refused with the same credentials drops them; the others
      // then wait for, or find, the replacement.
      if (given.kind === "provider" && !retried && response.status === 401 && EXPIRED.test(await response.clone().text().catch(() => ""))) {
        if (current === credentials) current = undefined;
        continue;
      }
      return response;
    }
  };
  return Object.assign(transport, { redact, auth: given.kind });
}
