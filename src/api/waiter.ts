/**
 * wait_for_sync_obs: `sync_obs` only starts a scan, so every caller ends up writing the same
 * polling loop. This one backs off, retries what is worth retrying, keeps each poll inside the
 * deadline, and can be cancelled without leaving a timer that would keep the process alive.
 */
import { ModelArtsArgumentError, ModelArtsWaiterTimeoutError, type WaiterFailure } from "../errors.js";
import { checkWhole, MAX_TIMER_MS } from "./client.js";
import { checkObject, checkOptions, invalidAnswer } from "./invoke.js";
import { abortError, isTransientFailure, isTransientNetworkError, sleep } from "./retry.js";
import type { CallOptions, FailureResult, HelperParams, Result, SuccessResult } from "./types.js";

const OPERATION = "wait_for_sync_obs";
// The other figures are written where they are used (the defaults in waitForSyncObs's
// destructuring, as WaitForSyncObsParams documents them): a module-level const per number costs
// a browser bundle a variable each.

type Flatten<T> = { [K in keyof T]: T[K] } & {};

export type SyncObsStatus = SuccessResult<"sync_obs_status">["sync_status"];
/** The states a scan ends in: 1 succeeded, 2 failed. */
export type SettledSyncStatus = Extract<SyncObsStatus, 1 | 2>;

export interface SyncProgressEvent {
  sync_status: SyncObsStatus;
  /** The status before this change; undefined at the first status read. */
  previous: SyncObsStatus | undefined;
  /** Milliseconds since the wait began. */
  elapsedMs: number;
  /** Status requests made so far, this one included. */
  polls: number;
}

export type WaitForSyncObsParams = Flatten<
  HelperParams<"sync_obs_status"> & {
    /** Give up after this many milliseconds (whole number >= 1). Default 10 minutes. */
    timeoutMs?: number;
    /** Wait before the second poll, growing 1.5x per poll. Default 1 000. */
    intervalMs?: number;
    /** Longest wait between polls. Default 10 000 (or intervalMs, if larger). */
    maxIntervalMs?: number;
    /** Cancels the wait; it then rejects with ModelArtsAbortError. */
    signal?: AbortSignal;
    /**
     * The service's status lag: for a while after `sync_obs` answers, `sync_obs_status` may still
     * give the previous sync's 1 or 2. When this client started the job's sync (its `sync_obs`
     * helper succeeded) less than `staleStatusMs` ago, a settled status read before the job was
     * seen running (3) is taken for that leftover and polled past, until `staleStatusMs` after the
     * sync started (the wait then takes at most this long, even for a sync that ended between
     * two polls). Default 2 000; 0 takes every settled status for the end.
     */
    staleStatusMs?: number;
    /** Called at every change of sync_status, the first read included. If it throws, the wait rejects with that error. */
    onProgress?: (event: SyncProgressEvent) => void;
  }
>;

/** The scan ended, successfully (1) or not (2): both are answers, so both resolve. */
export type WaitForSyncObsSettled = Flatten<
  Omit<SuccessResult<"sync_obs_status">, "sync_status"> & { sync_status: SettledSyncStatus; elapsedMs: number; polls: number }
>;

export type WaitForSyncObsResult = WaitForSyncObsSettled | FailureResult;

type Poll = (params: HelperParams<"sync_obs_status">, options: CallOptions, deadline: number) => Promise<Result<"sync_obs_status">>;


/**
 * Polls `poll` (sync_obs_status) until the scan settles. Each poll gets the call's options and
 * the deadline, which the helper cuts its timeout to (src/api/invoke.ts).
 */
export async function waitForSyncObs(
  poll: Poll,
  params: WaitForSyncObsParams,
  options: CallOptions = {},
  syncStartedAt: (params: HelperParams<"sync_obs_status">) => number | undefined = () => undefined,
): Promise<WaitForSyncObsResult> {
  checkObject(params, "params", OPERATION);
  checkOptions(options, OPERATION);
  // The rest is sync_obs_status's own arguments, which its validation checks at the first poll,
  // before anything is sent (an unknown key lands there too, so typos are not ignored).
  const {
    timeoutMs = 10 * 60_000,
    intervalMs = 1_000,
    maxIntervalMs = Math.max(10_000, intervalMs),
    // How long after this client's own sync_obs a settled status read before the job was seen
    // running is taken for the previous sync's leftover. Long enough for a status that lags
    // sync_obs by a moment (the emulator's statusLagMs models it; the reference gives no figure);
    // short, because a sync that runs and ends between two polls looks exactly like a leftover and
    // costs this much.
    staleStatusMs = 2_000,
    signal: signalParam,
    onProgress,
    ...statusParams
  } = params;
  // One rule for the four durations, as data: whole milliseconds a timer can take, from 1, except
  // staleStatusMs (0 turns its rule off) and maxIntervalMs (not below intervalMs, checked first).
  const durations = [["timeoutMs", timeoutMs, 1], ["intervalMs", intervalMs, 1], ["maxIntervalMs", maxIntervalMs, intervalMs], ["staleStatusMs", staleStatusMs, 0]] as const;
  for (const [name, value, least] of durations) checkWhole(name, value, least, MAX_TIMER_MS, OPERATION);
  if (onProgress !== undefined && typeof onProgress !== "function") throw new ModelArtsArgumentError("onProgress", "must be a function", OPERATION);
  checkOptions({ signal: signalParam }, OPERATION);
  // Either signal cancels the wait (a signal made of none never fires).
  const signal = AbortSignal.any([signalParam, options.signal].filter((s) => s !== undefined));

  const started = performance.now();
  const deadline = started + timeoutMs;
  const elapsed = (): number => Math.round(performance.now() - started);
  const left = (): number => Math.ceil(deadline - performance.now());
  let polls = 0;
  let lastStatus: SyncObsStatus | undefined;
  let lastFailure: WaiterFailure | undefined;
  let seenRunning = false;
  let interval = intervalMs;

  for (;;) {
    if (signal.aborted) throw abortError(signal, OPERATION);
    // The first poll always goes out, however short the caller made the deadline (a whole
    // number of ms from 1, so some is left): a wait that never asked could report nothing. A later
    // one would be cut off; the wait still lasts to the deadline, as promised, rather than giving up early.
    //
    // A poll needs time to be signed, sent and answered. One started with less than 50 ms left
    // would all but surely be cut off by the deadline, and its TIMEOUT would then replace the last
    // real answer (a status, a 503) as the report's lastFailure. A real endpoint takes tens of ms
    // at best, so the floor costs at most a status read in the last moments of a wait that is giving up.
    if (polls > 0 && left() < 50) {
      await sleep(left(), signal, OPERATION);
      throw new ModelArtsWaiterTimeoutError({ operation: OPERATION, timeoutMs, lastStatus, elapsedMs: elapsed(), polls, lastFailure });
    }

    polls += 1;
    let result: Result<"sync_obs_status"> | undefined;
    // The poll itself retries what the client's retry policy retries, within the deadline; what
    // is still failing after that is waited out here, at the poll's own pace.
    let wait = interval;
    try {
      result = await poll(statusParams, { ...options, signal }, deadline);
    } catch (error) {
      if (!isTransientNetworkError(error, signal)) throw error;
      lastFailure = { error_code: error.code, http_status: undefined, request_id: null };
    }

    if (result?.is_success === false) {
      if (!isTransientFailure(result)) return result;
      lastFailure = { error_code: result.error_code, http_status: result.http_status, request_id: result.request_id };
      wait = Math.max(wait, result.retry_after_ms ?? 0);
    } else if (result) {
      const status = result.sync_status;
      // A status outside the spec ("1", null, 7) is an invalid answer, reported at once: taking
      // it for "not settled yet" would poll to the deadline for nothing.
      // The spec's sync_status values: 0 no scan yet, 3 running, 1 succeeded, 2 failed.
      if (![0, 1, 2, 3].includes(status)) return invalidAnswer(`sync_status ${JSON.stringify(status)} is not 0, 1, 2 or 3`.slice(0, 200));
      if (status !== lastStatus) {
        const previous = lastStatus;
        lastStatus = status;
        onProgress?.({ sync_status: status, previous, elapsedMs: elapsed(), polls });
      }
      if (status === 3) seenRunning = true;
      // No start known: -Infinity, and the status is taken as it is.
      const staleFor = seenRunning ? 0 : (syncStartedAt(statusParams) ?? -Infinity) + staleStatusMs - performance.now();
      if (status === 1 || status === 2) {
        if (staleFor <= 0) return { ...result, elapsedMs: elapsed(), polls } as WaitForSyncObsSettled;
        // The next poll comes no later than the end of the leftover window, so that a sync which
        // really ended between two polls costs at most staleStatusMs, not a backoff step beyond it.
        wait = Math.min(wait, Math.ceil(staleFor));
      }
    }

    // Never past the deadline: the loop's first check then reports the timeout.
    await sleep(Math.min(wait, left()), signal, OPERATION);
    // Growth without jitter: one waiter watches one job, so there is no herd to spread, and a
    // fixed schedule keeps the number of polls predictable for callers (and tests).
    interval = Math.min(maxIntervalMs, Math.round(interval * 1.5));
  }
}
