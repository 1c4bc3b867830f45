/**
 * The one path every helper takes: fill defaults, validate against the spec's compiled
 * validator, split the argument object into path/query/body by the operation table, call the
 * typed openapi-fetch client, and shape the answer the way the legacy SDK did (`is_success` plus
 * fields, or `is_success: false` with the error).
 */
import { OPERATIONS } from "../../generated/operations.js";
import { ModelArtsArgumentError, ModelArtsServiceError, ModelArtsValidationError } from "../errors.js";
import { checkTimeout, transportOf, type ModelArtsClient } from "./client.js";
import { isTransientFailure, isTransientNetworkError, retryAfterMs, retryDelay, sleep } from "./retry.js";
import { sendOperation } from "./openapi-fetch.js";
import { operationEntry, validateArguments, type OperationId } from "./operations.js";
import { isObject } from "../validation/json-schema.js";
import { toNetworkError } from "./transport.js";
import type { CallOptions, FailureResult, HelperParams, Result } from "./types.js";

/** Throws unless `value` (params, options) is an object. */
export function checkObject(value: unknown, argument: string, operation: string): asserts value is Record<string, unknown> {
  if (!isObject(value)) throw new ModelArtsArgumentError(argument, "must be an object", operation);
}

/**
 * The arguments of a call to `operationId`, with `project_id` filled from the client, checked
 * against the spec. Helpers use it, and so does the iterator, to refuse bad arguments when it
 * is made rather than at its first page.
 */
export function checkedArguments<O extends OperationId>(client: ModelArtsClient, operationId: O, params: HelperParams<O>): Record<string, unknown> {
  checkObject(params, "params", operationId);
  const entry = operationEntry(operationId);
  const args: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    // The spec's patterns say nothing of this, but a URL cannot carry it: a lone surrogate would
    // make percent-encoding throw deep inside the request builder. (A body is an object, so only
    // path and query values are strings here.)
    if (typeof value === "string" && !(value as string & { isWellFormed(): boolean }).isWellFormed()) {
      throw new ModelArtsValidationError(name, "must be well-formed Unicode", operationId);
    }
    // A key set to undefined is a key left out, as in JSON.
    if (value !== undefined) args[name] = value;
  }
  if (entry.pathParameters.includes("project_id") && (args.project_id ??= client.projectId) === undefined) {
    throw new ModelArtsValidationError("project_id", "is required: pass it, or give the client a projectId", operationId);
  }
  validateArguments(entry, args);
  return args;
}

/** Throws unless `options` are a call's options. */
export function checkOptions(options: CallOptions, operation: string): void {
  checkObject(options, "options", operation);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new ModelArtsArgumentError("signal", "must be an AbortSignal", operation);
  if (options.timeoutMs !== undefined) checkTimeout(options.timeoutMs, operation);
}

/**
 * The timeout of one attempt: the call's (0 for none), cut to the time left before `deadline`
 * (performance.now() time; the waiter's), so that no attempt, a retry's included, outlives it.
 */
export function attemptTimeout(timeoutMs: number, deadline: number): number {
  return deadline === Infinity ? timeoutMs : Math.min(timeoutMs || Infinity, Math.max(1, Math.ceil(deadline - performance.now())));
}

/** A failure result, the one shape of every answer that is not a success. */
const failure = (error_code: string, error_msg: string, http_status: number, request_id: string | null = null, retry_after_ms?: number): FailureResult => ({
  is_success: false,
  error_code,
  error_msg,
  http_status,
  request_id,
  ...(retry_after_ms === undefined ? {} : { retry_after_ms }),
});

/** The answer to a success status whose body is not there to read, as the service itself cannot give it. */
export function invalidAnswer(error_msg: string): FailureResult {
  // A success result carries no status; 200 is the only success the spec gives the operations it is used for.
  return failure("CLIENT.INVALID_RESPONSE", error_msg, 200);
}

/**
 * The result of an answer: a success with its fields; the service's error JSON as it came; or,
 * for anything else (a proxy's HTML page, a truncated body, a 2xx whose body is not JSON, whose
 * effect is then unknown), a failure that quotes it.
 */
function resultOf(response: Response, data: unknown, error: unknown): FailureResult | { is_success: true } {
  const { ok, status, headers } = response;
  const body = error as { error_code?: unknown; error_msg?: unknown } | undefined;
  if (ok) {
    try {
      return { ...JSON.parse((data as string | undefined) || "{}"), is_success: true };
    } catch {
      // quoted below
    }
  }
  const text = ok ? data : error;
  const snippet = (typeof text === "string" ? text : "").replace(/\s+/g, " ").trim().slice(0, 200);
  const known = !ok && typeof body?.error_code === "string";
  return failure(
    known ? (body!.error_code as string) : ok ? "CLIENT.INVALID_RESPONSE" : `HTTP.${status}`,
    known
      ? String(body!.error_msg ?? "")
      : `HTTP ${status}${status > 299 && status < 400 ? " (redirect not followed)" : ""}${ok ? ", not JSON" : ""}: ${snippet || "(no body)"}`,
    status,
    headers.get("x-request-id"),
    retryAfterMs(headers.get("retry-after")),
  );
}

/**
 * Calls `operationId` with `params`, retried by the client's policy (src/api/retry.ts): reads on
 * 429, 500, 502, 503, 504 and on no answer; writes only if the client opted in, and then on no
 * answer only when the connection was refused. `deadline` (performance.now() time) bounds
 * attempts and waits: the waiter's. What every helper is, in one line.
 */
export async function invoke<O extends OperationId>(
  client: ModelArtsClient,
  operationId: O,
  params: HelperParams<O>,
  options: CallOptions = {},
  deadline = Infinity,
): Promise<Result<O>> {
  const entry = operationEntry(operationId);
  const { body, ...args } = checkedArguments(client, operationId, params);
  checkOptions(options, operationId);
  const timeoutMs = options.timeoutMs ?? client.timeoutMs;
  // Validation has refused every name the operation does not take.
  const path: Record<string, string> = {};
  const query: Record<string, unknown> = {};
  for (const name in args) (entry.pathParameters.includes(name) ? path : query)[name] = args[name];
  const { signal } = options;
  const transport = transportOf(client);
  const write = entry.method !== "get";
  for (let retry = 0; ; retry += 1) {
    let sent = undefined as Request | undefined;
    let result: FailureResult | { is_success: true } | undefined;
    let thrown: unknown;
    try {
      const { data, error, response } = await sendOperation(client.raw, entry, {
        params: { path, query },
        body,
        // Left out by openapi-fetch when undefined (an operation without project_id).
        headers: { "X-Project-Id": path.project_id! },
        parseAs: "text",
        signal,
        fetch: (request) => transport((sent = request), attemptTimeout(timeoutMs, deadline)),
      });
      result = resultOf(response, data, error);
    } catch (error) {
      // Thrown before the transport ran: building the request failed, which no retry can mend.
      if (!sent) throw error;
      if (error instanceof ModelArtsServiceError) {
        // An answer over maxResponseBytes is an answer, though an unusable one: a failure result.
        result = failure(error.error_code, error.error_msg, error.http_status, error.request_id);
      } else {
        // Reached by errors while reading the answer's body (the transport converts the rest).
        thrown = toNetworkError(error, sent, { caller: signal ?? null }, operationId, transport.redact);
      }
    }
    const transient = result ? !result.is_success && isTransientFailure(result) : isTransientNetworkError(thrown, signal, write);
    const wait = transient && (!write || client.retry.retryWrites) ? retryDelay(client.retry, retry, (result as FailureResult | undefined)?.retry_after_ms, deadline) : undefined;
    if (wait === undefined) {
      if (result) return result as Result<O>;
      throw thrown;
    }
    await sleep(wait, signal, operationId);
  }
}

/** A helper: one operation's arguments and options in, its result out. */
export type Helper<O extends OperationId> = (params: HelperParams<O>, options?: CallOptions) => Promise<Result<O>>;

/** The helpers an API class of spec tag `Tag` must have: one per operation of that tag, named by its operationId. */
export type HelpersOf<Tag extends string> = {
  readonly [O in OperationId as (typeof OPERATIONS)[O]["tag"] extends Tag ? O : never]: Helper<O>;
};

/**
 * Gives `api` the helpers of every operation of spec tag `tag`, each named by its operationId and
 * calling that operation, so that none can be wired to another. The class declares them, and its
 * `implements HelpersOf<Tag>` makes `tsc` check that it declares each, of its own types.
 */
export function addHelpers(api: object, client: ModelArtsClient, tag: string): void {
  for (const { operationId, tag: its } of Object.values(OPERATIONS)) {
    if (its === tag) (api as Record<string, Helper<OperationId>>)[operationId] = (params, options) => invoke(client, operationId as OperationId, params, options);
  }
}
