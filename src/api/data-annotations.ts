import { checkClient, type ModelArtsClient } from "./client.js";
import { invoke } from "./invoke.js";
import { iterateImagesByTag, type IterateImagesByTagParams, type ListedImage } from "./paginate.js";
import type { CallOptions, HelperParams, Result } from "./types.js";
import { waitForSyncObs, type WaitForSyncObsParams, type WaitForSyncObsResult } from "./waiter.js";

/**
 * The manual-annotation operations, one helper per operationId of the spec, named and called like
 * the legacy Python SDK's `DataAnnotationsApi`: `sync_obs({ project_id, data_annotation_id })`.
 * Helpers resolve to `{ is_success: true, ...fields }` or `{ is_success: false, error_code,
 * error_msg, http_status, request_id }`, and reject only for bad arguments
 * (ModelArtsValidationError, ModelArtsArgumentError), no answer (ModelArtsNetworkError) and the
 * caller's cancellation (ModelArtsAbortError). Method, path and parameters of each come from the
 * generated operation table; a helper is only its name and its types.
 */
export class DataAnnotationsApi {
  readonly #client: ModelArtsClient;

  constructor(client: ModelArtsClient) {
    this.#client = checkClient(client);
  }

  /** Starts a background scan of the job's OBS folder; poll `sync_obs_status` for its end. */
  sync_obs(params: HelperParams<"sync_obs">, options?: CallOptions): Promise<Result<"sync_obs">> {
    return invoke(this.#client, "sync_obs", params, options);
  }

  /** State of the latest scan: 0 none yet, 3 running, 1 succeeded, 2 failed. */
  sync_obs_status(params: HelperParams<"sync_obs_status">, options?: CallOptions): Promise<Result<"sync_obs_status">> {
    return invoke(this.#client, "sync_obs_status", params, options);
  }

  /**
   * Polls `sync_obs_status` with backoff until the scan settles (1 succeeded, 2 failed), and
   * resolves with that status. A service error that retrying cannot fix resolves as its failure
   * result; 429, 500, 502, 503, 504 and polls that got no answer are retried. Rejects with
   * ModelArtsWaiterTimeoutError at `timeoutMs`, and with ModelArtsAbortError when `signal` fires. `options` apply to each poll, whose timeout never reaches
   * past the deadline.
   */
  wait_for_sync_obs(params: WaitForSyncObsParams, options?: CallOptions): Promise<WaitForSyncObsResult> {
    return waitForSyncObs((p, o) => this.sync_obs_status(p, o), this.#client.timeoutMs, params, options);
  }

  /** One page of the job's images with a tag, every labelled image, or (`tag_name: "__none__"`) the unlabelled ones. */
  show_images_by_tag(params: HelperParams<"show_images_by_tag">, options?: CallOptions): Promise<Result<"show_images_by_tag">> {
    return invoke(this.#client, "show_images_by_tag", params, options);
  }

  /**
   * Every image of a `show_images_by_tag` listing, page after page, requesting a page only when
   * the previous one is used up: `for await (const image of das.iterate_images_by_tag({ ... }))`.
   * Arguments are checked at the call. A page that fails with 429, 500, 502-504 or no answer is retried
   * three times (0.5 s, 1 s, 2 s apart); a service error that persists or cannot be fixed by
   * retrying is thrown as ModelArtsServiceError. Tagging or deleting images of the listed filter while iterating
   * shifts images between pages (see paginate.ts).
   */
  iterate_images_by_tag(params: IterateImagesByTagParams, options?: CallOptions): AsyncGenerator<ListedImage, void, undefined> {
    return iterateImagesByTag(this.#client, (p, o) => this.show_images_by_tag(p, o), params, options);
  }

  /** Replaces the tag sets of the listed images, all or nothing. */
  modify_image_info(params: HelperParams<"modify_image_info">, options?: CallOptions): Promise<Result<"modify_image_info">> {
    return invoke(this.#client, "modify_image_info", params, options);
  }

  delete_selected_image(params: HelperParams<"delete_selected_image">, options?: CallOptions): Promise<Result<"delete_selected_image">> {
    return invoke(this.#client, "delete_selected_image", params, options);
  }

  /** Deletes several images, all or nothing. */
  delete_selected_images(params: HelperParams<"delete_selected_images">, options?: CallOptions): Promise<Result<"delete_selected_images">> {
    return invoke(this.#client, "delete_selected_images", params, options);
  }

  get_image_info_by_id(params: HelperParams<"get_image_info_by_id">, options?: CallOptions): Promise<Result<"get_image_info_by_id">> {
    return invoke(this.#client, "get_image_info_by_id", params, options);
  }

  get_image_info_by_ids(params: HelperParams<"get_image_info_by_ids">, options?: CallOptions): Promise<Result<"get_image_info_by_ids">> {
    return invoke(this.#client, "get_image_info_by_ids", params, options);
  }

  query_tag_list(params: HelperParams<"query_tag_list">, options?: CallOptions): Promise<Result<"query_tag_list">> {
    return invoke(this.#client, "query_tag_list", params, options);
  }

  get_tag_statistics(params: HelperParams<"get_tag_statistics">, options?: CallOptions): Promise<Result<"get_tag_statistics">> {
    return invoke(this.#client, "get_tag_statistics", params, options);
  }
}
