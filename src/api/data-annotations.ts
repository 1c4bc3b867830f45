import { checkClient, type ModelArtsClient } from "./client.js";
import { addHelpers, invoke, type Helper, type HelpersOf } from "./invoke.js";
import { iterateImagesByTag, type IterateImagesByTagParams, type ListedImage } from "./paginate.js";
import type { CallOptions } from "./types.js";
import { waitForSyncObs, type WaitForSyncObsParams, type WaitForSyncObsResult } from "./waiter.js";

/**
 * The manual-annotation operations, one helper per operationId of the spec, named and called like
 * the legacy Python SDK's `DataAnnotationsApi`: `sync_obs({ project_id, data_annotation_id })`.
 * Helpers resolve to `{ is_success: true, ...fields }` or `{ is_success: false, error_code,
 * error_msg, http_status, request_id }`, and reject only for bad arguments
 * (ModelArtsValidationError, ModelArtsArgumentError), no answer (ModelArtsNetworkError) and the
 * caller's cancellation (ModelArtsAbortError). Method, path and parameters of each come from the
 * generated operation table, which also makes the helpers (addHelpers); `implements` makes `tsc`
 * check that every DataAnnotations operation of the spec is declared here, of its own types.
 */
export class DataAnnotationsApi implements HelpersOf<"DataAnnotations"> {
  readonly #client: ModelArtsClient;
  // When this client last started each job's sync (performance.now()), for the waiter's staleStatusMs rule.
  readonly #syncStarted = new Map<string, number>();

  constructor(client: ModelArtsClient) {
    this.#client = checkClient(client);
    addHelpers(this, this.#client, "DataAnnotations");
    const startSync = this.sync_obs;
    this.sync_obs = async (params, options) => {
      const result = await startSync(params, options);
      if (result.is_success) this.#syncStarted.set(this.#jobKey(params), performance.now());
      return result;
    };
  }

  #jobKey(params: { project_id?: string; data_annotation_id: string }): string {
    return `${params.project_id ?? this.#client.projectId}/${params.data_annotation_id}`;
  }

  /** Starts a background scan of the job's OBS folder; poll `sync_obs_status` for its end. */
  declare readonly sync_obs: Helper<"sync_obs">;

  /** State of the latest scan: 0 none yet, 3 running, 1 succeeded, 2 failed. */
  declare readonly sync_obs_status: Helper<"sync_obs_status">;

  /**
   * Polls `sync_obs_status` with backoff until the scan settles (1 succeeded, 2 failed), and
   * resolves with that status. A service error that retrying cannot fix resolves as its failure
   * result; 429, 500, 502, 503, 504 and polls that got no answer are retried. Rejects with
   * ModelArtsWaiterTimeoutError at `timeoutMs`, and with ModelArtsAbortError when `signal` fires. `options` apply to each poll, whose timeout never reaches
   * past the deadline.
   */
  wait_for_sync_obs(params: WaitForSyncObsParams, options?: CallOptions): Promise<WaitForSyncObsResult> {
    return waitForSyncObs((p, o, deadline) => invoke(this.#client, "sync_obs_status", p, o, deadline), params, options, (p) =>
      this.#syncStarted.get(this.#jobKey(p)),
    );
  }

  /** One page of the job's images with a tag, every labelled image, or (`tag_name: "__none__"`) the unlabelled ones. */
  declare readonly show_images_by_tag: Helper<"show_images_by_tag">;

  /**
   * Every image of a `show_images_by_tag` listing, page after page, requesting a page only when
   * the previous one is used up: `for await (const image of das.iterate_images_by_tag({ ... }))`.
   * Arguments are checked at the call. A page that fails with 429, 500, 502-504 or no answer is retried
   * by the client's retry policy; a service error that persists or cannot be fixed by retrying, and
   * a page that lists only images already listed, are thrown as ModelArtsServiceError. Tagging or deleting images of the listed filter while iterating
   * shifts images between pages (see paginate.ts).
   */
  iterate_images_by_tag(params: IterateImagesByTagParams, options?: CallOptions): AsyncGenerator<ListedImage, void, undefined> {
    return iterateImagesByTag(this.#client, this.show_images_by_tag, params, options);
  }

  /** Replaces the tag sets of the listed images, all or nothing. */
  declare readonly modify_image_info: Helper<"modify_image_info">;

  declare readonly delete_selected_image: Helper<"delete_selected_image">;

  /** Deletes several images, all or nothing. */
  declare readonly delete_selected_images: Helper<"delete_selected_images">;

  declare readonly get_image_info_by_id: Helper<"get_image_info_by_id">;

  declare readonly get_image_info_by_ids: Helper<"get_image_info_by_ids">;

  declare readonly query_tag_list: Helper<"query_tag_list">;

  declare readonly get_tag_statistics: Helper<"get_tag_statistics">;
}
