/**
 * Type-level views of the spec's operations, derived from generated/schema.d.ts so that no
 * shape the spec defines is written twice. A helper's argument is the operation's path and
 * query parameters plus `body`, in the spec's own (snake_case) names, as in the legacy SDK.
 */
import type { operations } from "../../generated/schema.js";

export type OperationId = keyof operations;

type Parameters_<O extends OperationId> = operations[O]["parameters"];
type PathParams<O extends OperationId> = NonNullable<Parameters_<O>["path"]>;
type QueryParams<O extends OperationId> = [NonNullable<Parameters_<O>["query"]>] extends [never]
  ? {}
  : NonNullable<Parameters_<O>["query"]>;
type BodyParam<O extends OperationId> = operations[O]["requestBody"] extends { content: { "application/json": infer B } }
  ? { body: B }
  : {};

/** `project_id` may be left out when the client's context provides one. */
type WithOptionalProject<P> = "project_id" extends keyof P
  ? Omit<P, "project_id"> & { project_id?: P["project_id" & keyof P] }
  : P;

type Flatten<T> = { [K in keyof T]: T[K] } & {};

/** The single argument object of the helper for operation `O`. */
export type HelperParams<O extends OperationId> = Flatten<WithOptionalProject<PathParams<O>> & QueryParams<O> & BodyParam<O>>;

/** The request as openapi-fetch takes it for operation `O`: parameters split by location. */
export type RequestParts<O extends OperationId> = {
  params: { path: PathParams<O> } & ([NonNullable<Parameters_<O>["query"]>] extends [never] ? {} : { query?: Parameters_<O>["query"] });
} & BodyParam<O>;

type Responses<O extends OperationId> = operations[O]["responses"];
type SuccessStatus<O extends OperationId> = Extract<keyof Responses<O>, 200 | 201 | 202 | 204>;
type SuccessBody<O extends OperationId> = Responses<O>[SuccessStatus<O>] extends infer R
  ? R extends { content: { "application/json": infer B } }
    ? B
    : {}
  : never;

/** What a helper resolves to when the service accepted the call: the legacy SDK's shape. */
export type SuccessResult<O extends OperationId> = Flatten<{ is_success: true } & Omit<SuccessBody<O>, "is_success">>;

/** What a helper resolves to when the service answered with an error status. */
export interface FailureResult {
  is_success: false;
  /** `ModelArts.NNNN` or `APIGW.NNNN` from the body; `HTTP.<status>` when the body was not the error JSON. */
  error_code: string;
  error_msg: string;
  http_status: number;
  /** The `X-Request-Id` response header, for support tickets; null when absent. */
  request_id: string | null;
  /** The answer's `Retry-After` (seconds or an HTTP-date) in milliseconds from when it came; absent when it had none. */
  retry_after_ms?: number;
}

export type Result<O extends OperationId> = SuccessResult<O> | FailureResult;

/** Per-call options, the last argument of every helper. */
export interface CallOptions {
  /** Cancels the call; the helper then rejects with a ModelArtsNetworkError whose reason is "aborted". */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
}
