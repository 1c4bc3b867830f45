/**
 * Injected faults: the 429, 500 and 503 answers the spec declares for every operation,
 * which a healthy emulator would never give, on demand, so that a client's handling of
 * them (retries, backoff, reporting) can be tested over real HTTP.
 *
 * A fault is taken by a request only once the request has passed authentication and
 * validation against the spec (see server.ts): requests the service would refuse anyway
 * neither consume a fault nor get one, so `times` counts exactly the well-formed,
 * authorised calls a retrying client makes. It is answered before the handler runs, so a
 * faulted call changes nothing (a faulted sync_obs starts no sync).
 *
 * The answers carry only what the spec declares for those statuses: the ErrorResponse
 * body and X-Request-Id. The spec declares no Retry-After, so none is sent.
 */
import { ApiError, apiErrors } from "./errors.js";
import type { OperationId } from "./handlers.js";

export type FaultStatus = 429 | 500 | 503;

export interface FaultSpec {
  /** The operation whose requests get the fault; any operation when omitted. */
  operationId?: OperationId;
  status: FaultStatus;
  /** How many matching requests get it; a whole number >= 1, default 1. */
  times?: number;
}

interface QueuedFault {
  operationId: OperationId | undefined;
  status: FaultStatus;
  remaining: number;
}

const STATUSES: readonly number[] = [429, 500, 503] satisfies FaultStatus[];
const KEYS: readonly string[] = ["operationId", "status", "times"] satisfies (keyof FaultSpec)[];

/** An ApiError that was injected, so the request log can say so. */
export class InjectedFault extends ApiError {
  override name = "InjectedFault";
}

function faultError(status: FaultStatus, operationId: OperationId): InjectedFault {
  const base =
    status === 429 ? apiErrors.tooManyRequests(operationId) : status === 503 ? apiErrors.serviceUnavailable() : apiErrors.internal();
  return new InjectedFault(base.status, base.code, base.message);
}

const describe = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

export class FaultQueue {
  readonly #operations: ReadonlySet<string>;
  readonly #queue: QueuedFault[] = [];

  constructor(operationIds: Iterable<OperationId>) {
    this.#operations = new Set(operationIds);
  }

  /**
   * Checks the argument completely before queueing anything: a test that misspells an
   * option must fail at once, not pass because no fault fired.
   */
  add(spec: FaultSpec): void {
    const fail = (problem: string): never => {
      throw new TypeError(`injectFault: ${problem}`);
    };
    if (typeof spec !== "object" || spec === null || Array.isArray(spec)) fail("takes an object { operationId?, status, times? }");
    const unknown = Object.keys(spec).filter((key) => !KEYS.includes(key));
    if (unknown.length > 0) fail(`unknown option ${unknown.map((key) => JSON.stringify(key)).join(", ")}; it takes ${KEYS.join(", ")}`);
    const { operationId, status, times = 1 } = spec;
    if (operationId !== undefined && (typeof operationId !== "string" || !this.#operations.has(operationId))) {
      fail(`operationId ${describe(operationId)} is not an operation of the spec; it is one of ${[...this.#operations].sort().join(", ")}, or omitted for any`);
    }
    if (!STATUSES.includes(status)) fail(`status must be one of ${STATUSES.join(", ")}, got ${describe(status)}`);
    if (typeof times !== "number" || !Number.isSafeInteger(times) || times < 1) fail(`times must be a whole number >= 1, got ${describe(times)}`);
    this.#queue.push({ operationId, status, remaining: times });
  }

  /**
   * The fault for this request, if one is queued for its operation or for any: the
   * earliest queued that matches, so faults fire in the order they were injected and a
   * fault for one operation never holds back the requests of another.
   */
  take(operationId: OperationId): InjectedFault | undefined {
    const index = this.#queue.findIndex((fault) => fault.operationId === undefined || fault.operationId === operationId);
    const fault = this.#queue[index];
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.#queue.splice(index, 1);
    return faultError(fault.status, operationId);
  }
}
