/**
 * The client's one retry policy, used by every helper, and through them by the waiter's polls and
 * the iterator's pages: exponential backoff with full jitter (AWS's "full jitter": a wait drawn
 * uniformly below the growing cap, so that clients throttled together do not come back together),
 * and a `Retry-After` the service sends is waited out in full, or not at all.
 */
import { ModelArtsAbortError, ModelArtsArgumentError, ModelArtsNetworkError } from "../errors.js";

export interface RetryPolicy {
  /** Retries after the first attempt. Default 3. */
  maxRetries: number;
  /** Cap of the first wait; the cap doubles per retry. Default 500 ms. */
  baseDelayMs: number;
  /** Longest wait: the backoff's cap, and the longest Retry-After waited out (a longer one ends the retries). Default 20 000 ms. */
  maxDelayMs: number;
  /** Retry POST, PUT and DELETE too. Default false: a write whose answer was lost may have taken effect. */
  retryWrites: boolean;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 20_000, retryWrites: false };

/**
 * A failure result worth another try: a status that says "try again later" rather than "this
 * cannot work" (rate limiting, the gateway's or service's own trouble; 502 and 504 come from
 * proxies, not from the spec), from the service, never one the client made up (CLIENT.*).
 */
export function isTransientFailure(failure: { http_status: number; error_code: string }): boolean {
  return [429, 500, 502, 503, 504].includes(failure.http_status) && !failure.error_code.startsWith("CLIENT.");
}

/** The client's `retry` option: `false` (no retries), or some fields of RetryPolicy over the defaults. */
export function checkRetry(value: unknown): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...(value === false ? { maxRetries: 0 } : (value as object)) };
  const whole = (n: unknown, max = 2 ** 31 - 1): boolean => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= max;
  // One message for every field: the option is small enough to read whole.
  if (
    (value !== false && value !== undefined && (value === null || typeof value !== "object")) ||
    !whole(policy.maxRetries, 20) ||
    !whole(policy.baseDelayMs) ||
    !whole(policy.maxDelayMs) ||
    typeof policy.retryWrites !== "boolean"
  ) {
    throw new ModelArtsArgumentError("retry", "must be false or { maxRetries?: 0-20, baseDelayMs?: ms, maxDelayMs?: ms, retryWrites?: boolean }");
  }
  return policy;
}

/** A Retry-After header in milliseconds from now: delay-seconds or an HTTP-date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  const text = header?.trim() ?? "";
  // An HTTP-date starts with the day's name; Date.parse alone would take "-1" for a year.
  const at = /^\d+$/.test(text) ? now + Number(text) * 1000 : /^[A-Za-z]{3}, /.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before retry number `retry` (0 for the first), or undefined when there is to be none:
 * a Retry-After longer than `maxDelayMs`, or any wait that would end past `deadline`. Without a
 * Retry-After, the wait is drawn below the cap, which is never above `maxDelayMs`.
 */
export function retryDelay(policy: RetryPolicy, retry: number, retryAfter: number | undefined, deadline: number): number | undefined {
  const wait = retryAfter ?? Math.floor(Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry));
  return retry < policy.maxRetries && wait <= policy.maxDelayMs && performance.now() + wait < deadline ? wait : undefined;
}

/**
 * Whether a thrown call error is the network's passing trouble, worth another request: no answer
 * came ("network") or none came in time ("timeout"). For a write only a refused connection counts,
 * as nothing of it was sent. Bad arguments, the caller's cancellation and errors of our own never do.
 */
export function isTransientNetworkError(error: unknown, signal: AbortSignal | undefined, write = false): error is ModelArtsNetworkError {
  if (!(error instanceof ModelArtsNetworkError) || signal?.aborted) return false;
  return !write || (error.cause as { cause?: { code?: unknown } } | undefined)?.cause?.code === "ECONNREFUSED";
}

/**
 * What the helpers throw when their signal fires, so that one catch covers a request and a sleep.
 * `what` names the call in the message: the operation, or the request (`GET https://…/images`).
 */
export function abortError(signal: AbortSignal, operation: string | undefined, what = operation, cause: unknown = signal.reason): ModelArtsAbortError {
  const timedOut = (signal.reason as { name?: unknown } | undefined)?.name === "TimeoutError";
  return new ModelArtsAbortError(`${what} was aborted by the caller${timedOut ? "'s signal, which timed out" : ""}`, { cause, operation });
}

/**
 * Waits `ms`, or rejects as `operation`'s abort as soon as `signal` fires, clearing its timer so
 * that nothing is left to keep the process alive.
 */
export function sleep(ms: number, signal: AbortSignal | undefined, operation: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // One ending for both the timer and the signal: whichever comes first clears the other.
    const end = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", end);
      if (signal?.aborted) reject(abortError(signal, operation));
      else resolve();
    };
    // A referenced timer on purpose: a script that awaits the wait must not exit in the middle of it.
    const timer = setTimeout(end, ms);
    if (signal?.aborted) end();
    else signal?.addEventListener("abort", end);
  });
}
