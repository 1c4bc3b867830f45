/**
 * modelarts-data-annotations: a typed client for the ModelArts manual-annotation API.
 *
 *   const client = createClient({ context: "default" });
 *   const r = await new DataAnnotationsApi(client).sync_obs({ project_id, data_annotation_id: "282" });
 *
 * This entry point is the client only, and runs wherever fetch runs (Node 20.19+, browsers,
 * Workers): it imports no Node built-in, no YAML parser and no validator compiler. Editing the
 * config file is `modelarts-data-annotations/config` (Node only); the local emulator is
 * `modelarts-data-annotations/emulator`.
 */
export { createClient, ModelArtsClient, type CreateClientOptions } from "./api/client.js";
export { DataAnnotationsApi } from "./api/data-annotations.js";
export type {
  SettledSyncStatus,
  SyncObsStatus,
  SyncProgressEvent,
  WaitForSyncObsParams,
  WaitForSyncObsResult,
  WaitForSyncObsSettled,
} from "./api/waiter.js";
export type { IterateImagesByTagParams, ListedImage } from "./api/paginate.js";
export { LabelApi } from "./api/label.js";
export type { CallOptions, FailureResult, HelperParams, OperationId, Result, SuccessResult } from "./api/types.js";
// signRequest needs node:crypto, so here it throws; it stays so that both entries have the same
// exports and types (a Node program type-checked with moduleResolution "bundler" reads these).
export { signRequest, signRequestAsync, type SignableRequest, type SigningCredentials } from "./auth/signer.js";
export { Secret } from "./auth/secret.js";
export type { ConfigOptions, CredentialsInput, CredentialsProvider, ProvidedCredentials, ResolvedConfig } from "./config/types.js";
export type { RetryPolicy } from "./api/retry.js";
export {
  ModelArtsError,
  ModelArtsArgumentError,
  ModelArtsValidationError,
  ModelArtsConfigError,
  ModelArtsNetworkError,
  ModelArtsAbortError,
  ModelArtsServiceError,
  ModelArtsWaiterTimeoutError,
  type ModelArtsErrorCode,
  type ServiceFailure,
  type WaiterFailure,
} from "./errors.js";
/** The operation table generated from the spec: per operationId its method, path, parameters with limits, success status and validator. */
export { OPERATIONS, OPERATION_IDS, type OperationEntry, type ParameterEntry } from "../generated/operations.js";
/** The spec's types, for callers who use `client.raw` or want the models by name. */
export type { components, operations, paths } from "../generated/schema.js";
