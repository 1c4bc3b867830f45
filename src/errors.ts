/**
 * Errors thrown by the client. Service answers are not thrown: they come back as
 * `{ is_success: false, ... }` results, like the legacy SDK. What is thrown is a
 * problem on our side of the wire: bad arguments, bad configuration, no transport.
 *
 * Messages never carry secrets: callers pass only names and non-secret values in.
 */

export class ModelArtsError extends Error {
  override name = "ModelArtsError";
  /** Stable, machine-readable reason, e.g. "INVALID_PARAMETER". */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** An argument failed the spec's constraints; raised before any network call. */
export class ModelArtsValidationError extends ModelArtsError {
  override name = "ModelArtsValidationError";
  /** Name of the offending parameter as the spec spells it (`per_page`, `body.image_id`). */
  readonly parameter: string;
  /** The operation being called, when known. */
  readonly operation: string | undefined;

  constructor(parameter: string, problem: string, operation?: string) {
    super("INVALID_PARAMETER", `${operation ? `${operation}: ` : ""}invalid parameter '${parameter}': ${problem}`);
    this.parameter = parameter;
    this.operation = operation;
  }
}

/** The configuration (file, context, environment, options) cannot produce a client. */
export class ModelArtsConfigError extends ModelArtsError {
  override name = "ModelArtsConfigError";
  readonly file: string | undefined;
  readonly context: string | undefined;
  readonly field: string | undefined;
  /** Names of the contexts the file does define, to help fix a typo. */
  readonly availableContexts: readonly string[];

  constructor(
    message: string,
    details: { file?: string; context?: string; field?: string; availableContexts?: readonly string[] } = {},
  ) {
    super("INVALID_CONFIG", message);
    this.file = details.file;
    this.context = details.context;
    this.field = details.field;
    this.availableContexts = details.availableContexts ?? [];
  }
}

/**
 * The call got no complete HTTP answer: refused, reset, DNS, TLS, timeout or abort, before the
 * headers or while a helper was reading the body.
 */
export class ModelArtsNetworkError extends ModelArtsError {
  override name = "ModelArtsNetworkError";
  readonly operation: string | undefined;
  /** "timeout" when `timeoutMs` elapsed, "aborted" when the caller's signal fired, else "network". */
  readonly reason: "timeout" | "aborted" | "network";

  constructor(message: string, reason: "timeout" | "aborted" | "network", options: { cause?: unknown; operation?: string } = {}) {
    super(reason === "network" ? "NETWORK_ERROR" : reason === "timeout" ? "TIMEOUT" : "ABORTED", message, { cause: options.cause });
    this.operation = options.operation;
    this.reason = reason;
  }
}

/**
 * The service answered an error to one page of an iteration. Helpers return such answers as
 * `is_success: false` results, but an async iterator has no result to return, so it throws
 * this, carrying the same fields. `code` is the service's own error_code.
 */
export class ModelArtsServiceError extends ModelArtsError {
  override name = "ModelArtsServiceError";
  /** `ModelArts.NNNN`, `APIGW.NNNN`, or `HTTP.<status>` when the body was not the error JSON. */
  readonly error_code: string;
  readonly error_msg: string;
  readonly http_status: number;
  /** The `X-Request-Id` response header, for support tickets; null when absent. */
  readonly request_id: string | null;
  /** The spec operation that failed, e.g. "show_images_by_tag". */
  readonly operation: string;

  constructor(
    failure: { error_code: string; error_msg: string; http_status: number; request_id: string | null },
    operation: string,
    context?: string,
  ) {
    super(
      failure.error_code,
      `${operation}${context ? ` (${context})` : ""}: ${failure.error_code} (HTTP ${failure.http_status}): ${failure.error_msg}`,
    );
    this.error_code = failure.error_code;
    this.error_msg = failure.error_msg;
    this.http_status = failure.http_status;
    this.request_id = failure.request_id;
    this.operation = operation;
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
  override name = "ModelArtsWaiterTimeoutError";
  readonly operation: string;
  /** The last status the service reported, or undefined when no poll got one. */
  readonly lastStatus: number | undefined;
  readonly elapsedMs: number;
  /** Status requests made, including those that failed. */
  readonly polls: number;
  /**
   * The last retryable failure, if any: often the reason no status was seen. A poll cut off by
   * the deadline itself counts, as "TIMEOUT".
   */
  readonly lastFailure: WaiterFailure | undefined;

  constructor(details: { operation: string; timeoutMs: number; lastStatus: number | undefined; elapsedMs: number; polls: number; lastFailure?: WaiterFailure | undefined }) {
    const last = details.lastStatus === undefined ? "no status was read" : `the last status was ${details.lastStatus}`;
    const failure = details.lastFailure
      ? `; last failure ${details.lastFailure.error_code}${details.lastFailure.http_status !== undefined ? ` (HTTP ${details.lastFailure.http_status})` : ""}`
      : "";
    super(
      "WAITER_TIMEOUT",
      `${details.operation}: not settled within ${details.timeoutMs} ms (${details.polls} polls in ${Math.round(details.elapsedMs)} ms; ${last}${failure})`,
    );
    this.operation = details.operation;
    this.lastStatus = details.lastStatus;
    this.elapsedMs = details.elapsedMs;
    this.polls = details.polls;
    this.lastFailure = details.lastFailure;
  }
}
