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
