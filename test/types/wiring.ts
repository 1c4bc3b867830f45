/**
 * Type-level checks, compiled by `npm run typecheck` (part of `npm test`): each line marked
 * @ts-expect-error must fail to compile, or the typecheck fails with "unused directive". They
 * show that wiring an operation to another operation's method or path, or a helper to another
 * operation, is a compile error, not a request that goes to the wrong place.
 */
import { invoke, type Helper, type HelpersOf } from "../../src/api/invoke.js";
import type { WiredTo } from "../../src/api/operations.js";
import type { CallOptions, HelperParams, Result } from "../../src/api/types.js";
import type { ModelArtsClient } from "../../src/api/client.js";

// The right wiring compiles.
export const statistics: WiredTo<"get_tag_statistics"> = { method: "get", path: "/v1/{project_id}/data-annotations/{data_annotation_id}/tags/stats" };
export const sync: WiredTo<"sync_obs"> = { method: "post", path: "/v1/{project_id}/data-annotations/{data_annotation_id}/obs/sync" };

// @ts-expect-error get_tag_statistics pointed at query_tag_list's path
export const wrongPath: WiredTo<"get_tag_statistics"> = { method: "get", path: "/v1/{project_id}/data-annotations/{data_annotation_id}/tags" };

// @ts-expect-error sync_obs is a POST
export const wrongMethod: WiredTo<"sync_obs"> = { method: "get", path: "/v1/{project_id}/data-annotations/{data_annotation_id}/obs/sync" };

// @ts-expect-error a path the spec does not have
export const noSuchPath: WiredTo<"sync_obs"> = { method: "post", path: "/v1/{project_id}/data-annotations/{data_annotation_id}/sync" };

export class MiswiredHelpers {
  constructor(private readonly client: ModelArtsClient) {}

  get_tag_statistics(params: HelperParams<"get_tag_statistics">, options?: CallOptions): Promise<Result<"get_tag_statistics">> {
    // @ts-expect-error a helper that calls another operation returns that operation's result
    return invoke(this.client, "query_tag_list", params, options);
  }

  sync_obs_status(params: HelperParams<"sync_obs_status">, options?: CallOptions): Promise<Result<"sync_obs_status">> {
    // @ts-expect-error sync_obs answers { is_success } without sync_status
    return invoke(this.client, "sync_obs", params, options);
  }
}

// An API class must have one helper per operation of its tag, each of that operation's types.
// @ts-expect-error LabelApi without query_validation
export class LabelApiMissingItsHelper implements HelpersOf<"Label"> {}

export class LabelApiWithAnotherOperation implements HelpersOf<"Label"> {
  constructor(private readonly client: ModelArtsClient) {}
  // @ts-expect-error query_validation wired to sync_obs
  readonly query_validation: Helper<"sync_obs"> = (params, options) => invoke(this.client, "sync_obs", params, options);
}

// The API classes declare their helpers and let addHelpers make them from the operation table: a
// declaration of another operation's type fails as well.
export class LabelApiDeclaringAnotherOperation implements HelpersOf<"Label"> {
  // @ts-expect-error query_validation declared as sync_obs
  declare readonly query_validation: Helper<"sync_obs">;
}
