/**
 * Errors thrown by the client. Service answers are not thrown by the helpers: they come back as
 * `{ is_success: false, ... }` results, like the legacy SDK. What is thrown is a problem on our
 * side of the wire (bad arguments, bad configuration, no answer, a cancelled call), or, from the
 * waiter and the iterator, which have no result to return, a service error.
 *
 * Every class extends ModelArtsError, whose `code` is ours, stable and documented (README, "Errors"):
 * branch on `code` or on the class. The service's own `ModelArts.NNNN` is `error_code` of
 * ModelArtsServiceError, never `code`. Messages never carry secrets: callers pass only names
 * and non-secret values in.
 */

/** Our codes, one per class (two for ModelArtsNetworkError: no answer, or none in time). */
export type ModelArtsErrorCode =
  | "INVALID_ARGUMENT"
  | "INVALID_PARAMETER"
  | "INVALID_CONFIG"
  | "NETWORK_ERROR"
  | "TIMEOUT"
  | "ABORTED"
  | "SERVICE_ERROR"
  | "WAITER_TIMEOUT";

/**
 * The options of the public constructors; inside this module, the subclasses also pass their name
 * and their own fields in it (cast to this type). Written out in each signature, not by this name,
 * so that the declarations show the shape.
 */
type Own = { cause?: unknown; operation?: string | undefined };

export class ModelArtsError extends Error {
  /** Stable, machine-readable reason (see ModelArtsErrorCode). */
  declare readonly code: ModelArtsErrorCode;
  /** The operation (or helper, such as "wait_for_sync_obs") that failed; undefined outside a call (createClient, signRequest). */
  declare readonly operation: string | undefined;

  constructor(code: ModelArtsErrorCode, message: string, options: { cause?: unknown; operation?: string | undefined } = {}) {
    // Error takes `cause` from the options and leaves the rest.
    super(message, options);
    // One constructor sets every class's name and fields (own and enumerable, so JSON.stringify
    // shows them): a subclass passes them in `options`, which is less code than a field each.
    // (`cause`, already set, stays as Error made it: not enumerable.)
    Object.assign(this, { name: "ModelArtsError", code, operation: undefined }, options);
  }
}

/** "op: invalid argument 'x': problem", the form of both "invalid ..." classes. */
const invalid = (what: string, name: string, problem: string, operation: string | undefined): string =>
  `${operation ? `${operation}: ` : ""}invalid ${what} '${name}': ${problem}`;

/**
 * An option or argument of ours cannot be used (not a value the spec constrains): `client` that did
 * not come from createClient, `fetch` that is not a function, `timeoutMs`, `signal`, `params` that
 * is not an object, an `X-Sdk-Date` header of the wrong form. Raised before any network call.
 */
export class ModelArtsArgumentError extends ModelArtsError {
  /** The option or argument, e.g. "timeoutMs". */
  declare readonly argument: string;

  constructor(argument: string, problem: string, operation?: string) {
    super("INVALID_ARGUMENT", invalid("argument", argument, problem, operation), { operation, name: "ModelArtsArgumentError", argument } as Own);
  }
}

/** A parameter breaks the spec's constraints (pattern, limits, required, unknown field); raised before any network call. */
export class ModelArtsValidationError extends ModelArtsError {
  /** Name of the offending parameter as the spec spells it (`per_page`, `body.image_id`). */
  declare readonly parameter: string;

  constructor(parameter: string, problem: string, operation?: string) {
    super("INVALID_PARAMETER", invalid("parameter", parameter, problem, operation), { operation, name: "ModelArtsValidationError", parameter } as Own);
  }
}

/** The configuration (file, context, environment, options) cannot produce a client. */
export class ModelArtsConfigError extends ModelArtsError {
  declare readonly file: string | undefined;
  declare readonly context: string | undefined;
  declare readonly field: string | undefined;
  /** Names of the contexts the file does define, to help fix a typo. */
  declare readonly availableContexts: readonly string[];

  constructor(
    message: string,
    details: { file?: string | undefined; context?: string | undefined; field?: string | undefined; availableContexts?: readonly string[] | undefined } = {},
  ) {
    super("INVALID_CONFIG", message, { name: "ModelArtsConfigError", ...details, availableContexts: details.availableContexts ?? [] } as Own);
  }
}

/**
 * The call got no complete HTTP answer: refused, reset, DNS, TLS, or no answer within `timeoutMs`,
 * before the headers or while the body was being read. Worth retrying; a caller's cancellation
 * is not this but ModelArtsAbortError.
 */
export class ModelArtsNetworkError extends ModelArtsError {
  /** "timeout" when `timeoutMs` elapsed, else "network". */
  declare readonly reason: "timeout" | "network";

  constructor(message: string, reason: "timeout" | "network", options: { cause?: unknown; operation?: string | undefined } = {}) {
    super(reason === "timeout" ? "TIMEOUT" : "NETWORK_ERROR", message, { ...options, name: "ModelArtsNetworkError", reason } as Own);
  }
}

/** The caller's `signal` fired: the call (or the waiter, or the walk) was cancelled on purpose. */
export class ModelArtsAbortError extends ModelArtsError {
  constructor(message: string, options: { cause?: unknown; operation?: string | undefined } = {}) {
    super("ABORTED", message, { ...options, name: "ModelArtsAbortError" } as Own);
  }
}

/** What a failed call's answer said, as helpers return it in a failure result. */
export interface ServiceFailure {
  error_code: string;
  error_msg: string;
  http_status: number;
  request_id: string | null;
}

/**
 * The service answered an error where a result cannot carry it: to one page of an iteration
 * (helpers return such answers as `is_success: false` results instead). The answer's fields are
 * kept as the result would hold them.
 */
export class ModelArtsServiceError extends ModelArtsError implements ServiceFailure {
  declare readonly operation: string;
  /** `ModelArts.NNNN`, `APIGW.NNNN`, `HTTP.<status>` when the body was not the error JSON, `CLIENT.INVALID_RESPONSE`. */
  declare readonly error_code: string;
  declare readonly error_msg: string;
  declare readonly http_status: number;
  /** The `X-Request-Id` response header, for support tickets; null when absent. */
  declare readonly request_id: string | null;

  constructor(failure: ServiceFailure, operation: string, context?: string) {
    const { error_code, error_msg, http_status, request_id } = failure;
    // The service's text is escaped in the message (kept as sent in the fields): an ANSI escape or a
    // line break in it must not drive the terminal or forge log lines of whoever prints the error.
    const text = `${error_code} (HTTP ${http_status}): ${error_msg}`.replace(
      /[\0-\x1f\x7f-\x9f\u2028\u2029]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    super("SERVICE_ERROR", `${operation}${context ? ` (${context})` : ""}: ${text}`, {
      operation,
      name: "ModelArtsServiceError",
      error_code,
      error_msg,
      http_status,
      request_id,
    } as Own);
  }
}

/**
 * A retryable failure seen while waiting: an error answer worth retrying (429, 5xx) or a poll
 * that got no answer. Only codes and statuses, so it can be logged as is.
 */
export interface WaiterFailure {
  /** The service's error_code, or the ModelArtsNetworkError code ("NETWORK_ERROR", "TIMEOUT"). */
  error_code: string;
  /** The answer's status; undefined when no answer came. */
  http_status: number | undefined;
  /** The answer's X-Request-Id; null when absent or when no answer came. */
  request_id: string | null;
}

/** A waiter's deadline passed before the operation settled. */
export class ModelArtsWaiterTimeoutError extends ModelArtsError {
  declare readonly operation: string;
  /** The last status the service reported, or undefined when no poll got one. */
  declare readonly lastStatus: number | undefined;
  declare readonly elapsedMs: number;
  /** Status requests made, including those that failed. */
  declare readonly polls: number;
  /**
   * The last retryable failure, if any: often the reason no status was seen. A poll cut off by
   * the deadline itself counts, as "TIMEOUT".
   */
  declare readonly lastFailure: WaiterFailure | undefined;

  constructor(details: {
    operation: string;
    timeoutMs: number;
    lastStatus: number | undefined;
    elapsedMs: number;
    polls: number;
    lastFailure?: WaiterFailure | undefined;
    describeStatus?: (status: number) => string;
  }) {
    const { operation, timeoutMs, lastStatus, elapsedMs, polls, lastFailure, describeStatus = String } = details;
    const last = lastStatus === undefined ? "no status was read" : `the last status was ${describeStatus(lastStatus)}`;
    const failure = lastFailure
      ? `; last failure ${lastFailure.error_code}${lastFailure.http_status !== undefined ? ` (HTTP ${lastFailure.http_status})` : ""}`
      : "";
    super("WAITER_TIMEOUT", `${operation}: not settled within ${timeoutMs} ms (${polls} polls in ${Math.round(elapsedMs)} ms; ${last}${failure})`, {
      operation,
      name: "ModelArtsWaiterTimeoutError",
      lastStatus,
      elapsedMs,
      polls,
      lastFailure,
    } as Own);
  }
}
