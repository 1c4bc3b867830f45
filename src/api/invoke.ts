/**
 * The one path every helper takes: fill defaults, validate against the spec's compiled
 * validator, split the argument object into path/query/body by the operation table, call the
 * typed openapi-fetch client, and shape the answer the way the legacy SDK did (`is_success` plus
 * fields, or `is_success: false` with the error).
 */
import type { OPERATIONS, OperationEntry } from "../../generated/operations.js";
import { ModelArtsArgumentError, ModelArtsServiceError, ModelArtsValidationError } from "../errors.js";
import { checkTimeout, transportOf, type ModelArtsClient } from "./client.js";
import { isTransientFailure, isTransientNetworkError, retryAfterMs, retryDelay, sleep } from "./retry.js";
import { sendOperation, type OperationInit, type OperationOutcome } from "./openapi-fetch.js";
import { argumentNames, operationEntry, validateArguments, type OperationId } from "./operations.js";
import { toNetworkError } from "./transport.js";
import type { CallOptions, FailureResult, HelperParams, Result } from "./types.js";

/**
 * The arguments of a call to `operationId`, with `project_id` filled from the client, checked
 * against the spec. Helpers use it, and so does the iterator, to refuse bad arguments when it
 * is made rather than at its first page.
 */
export function checkedArguments<O extends OperationId>(client: ModelArtsClient, operationId: O, params: HelperParams<O>): Record<string, unknown> {
  const entry = operationEntry(operationId);
  if (params === null || typeof params !== "object" || Array.isArray(params)) {
    throw new ModelArtsArgumentError("params", "must be an object of the operation's parameters", operationId);
  }
  const args: Record<string, unknown> = { ...(params as Record<string, unknown>) };
  for (const key of Object.keys(args)) if (args[key] === undefined) delete args[key];
  if (args.project_id === undefined && entry.pathParameters.includes("project_id")) {
    if (client.projectId === undefined) {
      throw new ModelArtsValidationError(
        "project_id",
        "is required: pass it, or set projectId in the client options, HUAWEICLOUD_SDK_PROJECT_ID or the context's project_id",
        operationId,
      );
    }
    args.project_id = client.projectId;
  }
  validateArguments(entry, args);
  // The spec's patterns say nothing of this, but a URL cannot carry it: a lone surrogate would
  // make percent-encoding throw deep inside the request builder.
  for (const name of argumentNames(entry)) {
    const value = args[name];
    // Only path and query values are strings here (a body is an object, encoded as JSON).
    if (typeof value === "string" && LONE_SURROGATE.test(value)) {
      throw new ModelArtsValidationError(name, "must be well-formed Unicode (it holds a lone surrogate, which no URL can carry)", operationId);
    }
  }
  return args;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A call's options, checked: the timeout it gets (its own or the client's) and its signal. */
export function checkedCallOptions(client: ModelArtsClient, options: CallOptions, operation: string): { timeoutMs: number; signal?: AbortSignal } {
  if (options === null || typeof options !== "object") throw new ModelArtsArgumentError("options", "must be an object { signal?, timeoutMs? }", operation);
  const timeoutMs = checkTimeout(options.timeoutMs ?? client.timeoutMs, operation);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new ModelArtsArgumentError("signal", "must be an AbortSignal", operation);
  }
  return { timeoutMs, ...(options.signal !== undefined ? { signal: options.signal } : {}) };
}

function prepare<O extends OperationId>(
  client: ModelArtsClient,
  entry: OperationEntry,
  operationId: O,
  params: HelperParams<O>,
  options: CallOptions,
  deadline: number,
): OperationInit {
  const args = checkedArguments(client, operationId, params);
  const { timeoutMs } = checkedCallOptions(client, options, operationId);
  const path: Record<string, string> = {};
  for (const name of entry.pathParameters) path[name] = args[name] as string;
  const query: Record<string, unknown> = {};
  for (const { name } of entry.queryParameters) if (args[name] !== undefined) query[name] = args[name];
  const transport = transportOf(client);
  return {
    params: entry.queryParameters.length > 0 ? { path, query } : { path },
    ...(entry.body !== null && args.body !== undefined ? { body: args.body } : {}),
    headers: path.project_id ? { "X-Project-Id": path.project_id } : {},
    parseAs: "text",
    ...(options.signal ? { signal: options.signal } : {}),
    // No attempt, a retry's included, outlives the caller's deadline (the waiter's).
    fetch: (request: Request) =>
      transport(request, deadline === Infinity ? timeoutMs : Math.min(timeoutMs || Infinity, Math.max(1, Math.ceil(deadline - performance.now())))),
  };
}

function failure(response: Response, error: unknown): FailureResult {
  const body = error as { error_code?: unknown; error_msg?: unknown } | undefined;
  const requestId = response.headers.get("x-request-id");
  const retryAfter = retryAfterMs(response.headers.get("retry-after"));
  const after = retryAfter === undefined ? {} : { retry_after_ms: retryAfter };
  if (body && typeof body === "object" && typeof body.error_code === "string") {
    return {
      is_success: false,
      error_code: body.error_code,
      error_msg: typeof body.error_msg === "string" ? body.error_msg : "",
      http_status: response.status,
      request_id: requestId,
      ...after,
    };
  }
  // Not the service's error JSON (a proxy's HTML page, a truncated body): still a readable result.
  const text = typeof error === "string" ? error : "";
  const snippet = text.replace(/\s+/g, " ").trim().slice(0, 200);
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}${
    response.status >= 300 && response.status < 400 ? " (redirect not followed: credentials go only to the configured endpoint)" : ""
  }`;
  return {
    is_success: false,
    error_code: `HTTP.${response.status}`,
    error_msg: snippet ? `${status}: ${snippet}` : `${status} with no error body`,
    http_status: response.status,
    request_id: requestId,
    ...after,
  };
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
  const init = prepare(client, entry, operationId, params, options, deadline);
  const write = entry.method !== "get";
  for (let retry = 0; ; retry += 1) {
    let result: Result<O> | undefined;
    let thrown: unknown;
    try {
      result = await attempt(client, entry, operationId, init);
    } catch (error) {
      thrown = error;
    }
    const failed = result?.is_success === false ? (result as FailureResult) : undefined;
    const transient =
      result === undefined
        ? isTransientNetworkError(thrown, init.signal, write)
        : failed !== undefined && isTransientFailure(failed);
    const wait = transient && (!write || client.retry.retryWrites) ? retryDelay(client.retry, retry, failed?.retry_after_ms, deadline) : undefined;
    if (wait === undefined) {
      if (result === undefined) throw thrown;
      return result;
    }
    await sleep(wait, init.signal, operationId);
  }
}

async function attempt<O extends OperationId>(client: ModelArtsClient, entry: OperationEntry, operationId: O, shared: OperationInit): Promise<Result<O>> {
  let sent = false;
  const init: OperationInit = {
    ...shared,
    fetch: (request) => {
      sent = true;
      return shared.fetch(request);
    },
  };
  let outcome: OperationOutcome;
  try {
    outcome = await sendOperation(client.raw, entry, init);
  } catch (error) {
    // Thrown before the transport ran: building the request failed, which no retry can mend.
    if (!sent) throw error;
    // An answer over maxResponseBytes is an answer, though an unusable one: a failure result.
    if (error instanceof ModelArtsServiceError) {
      const { error_code, error_msg, http_status, request_id } = error;
      return { is_success: false, error_code, error_msg, http_status, request_id } as Result<O>;
    }
    // Reached by errors while reading the answer's body (the transport converts the rest).
    const path = entry.path.replace(/\{(\w+)\}/g, (_: string, name: string) => encodeURIComponent(String(init.params.path[name])));
    const { redact } = transportOf(client);
    throw toNetworkError(error, { method: entry.method.toUpperCase(), url: `${client.endpoint}${path}` }, { caller: init.signal ?? null }, operationId, redact);
  }
  const { data, error, response } = outcome;
  if (!response.ok) return failure(response, error) as Result<O>;
  let body: object = {};
  if (typeof data === "string" && data.length > 0) {
    try {
      body = JSON.parse(data) as object;
    } catch {
      // A 2xx whose body was cut off or replaced on the way: the call's effect is unknown, so not a success.
      return {
        is_success: false,
        error_code: "CLIENT.INVALID_RESPONSE",
        error_msg: `HTTP ${response.status}: the success body of ${operationId} is not valid JSON: ${data.slice(0, 120)}`,
        http_status: response.status,
        request_id: response.headers.get("x-request-id"),
      } as Result<O>;
    }
  }
  return { ...body, is_success: true } as Result<O>;
}

/** A helper: one operation's arguments and options in, its result out. */
export type Helper<O extends OperationId> = (params: HelperParams<O>, options?: CallOptions) => Promise<Result<O>>;

/** The helpers an API class of spec tag `Tag` must have: one per operation of that tag, named by its operationId. */
export type HelpersOf<Tag extends string> = {
  readonly [O in OperationId as (typeof OPERATIONS)[O]["tag"] extends Tag ? O : never]: Helper<O>;
};
