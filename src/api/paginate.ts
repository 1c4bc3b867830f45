/**
 * iterate_images_by_tag: every image of a `show_images_by_tag` listing as one async iterator,
 * fetched a page at a time as the consumer gets to it, so a job of a million images costs one
 * page of memory and a loop that breaks early costs only the pages it read.
 */
import { checkTimeout, type ModelArtsClient } from "./client.js";
import { ModelArtsServiceError, ModelArtsValidationError } from "../errors.js";
import { operationShape, validateArguments } from "./operations.js";
import type { CallOptions, HelperParams, Result, SuccessResult } from "./types.js";

const OPERATION = "iterate_images_by_tag";

/** `show_images_by_tag`'s arguments; the iterator chooses `page` itself. */
export type IterateImagesByTagParams = Omit<HelperParams<"show_images_by_tag">, "page">;

/** One image as `show_images_by_tag` lists it. */
export type ListedImage = SuccessResult<"show_images_by_tag">["images"][number];

type FetchPage = (params: HelperParams<"show_images_by_tag">, options: CallOptions) => Promise<Result<"show_images_by_tag">>;

/**
 * Checks the arguments when the iterator is made rather than at the first `next()`, so that a
 * mistake surfaces where the call is written. The first page request runs the helper's own
 * validation again, which stays the authority.
 */
function checkArguments(client: ModelArtsClient, params: IterateImagesByTagParams, options: CallOptions): void {
  if (params === null || typeof params !== "object" || Array.isArray(params)) {
    throw new ModelArtsValidationError("(arguments)", "must be an object of the operation's parameters", OPERATION);
  }
  if ((params as { page?: unknown }).page !== undefined) {
    throw new ModelArtsValidationError("page", "is chosen by the iterator, which reads every page from 1; leave it out", OPERATION);
  }
  if (options === null || typeof options !== "object") throw new ModelArtsValidationError("options", "must be an object { signal?, timeoutMs? }", OPERATION);
  if (options.timeoutMs !== undefined) checkTimeout(options.timeoutMs, OPERATION);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new ModelArtsValidationError("signal", "must be an AbortSignal", OPERATION);
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) if (value !== undefined) args[key] = value;
  if (args.project_id === undefined) {
    if (client.projectId === undefined) {
      throw new ModelArtsValidationError(
        "project_id",
        "is required: pass it, or set projectId in the client options, HUAWEICLOUD_SDK_PROJECT_ID or the context's project_id",
        "show_images_by_tag",
      );
    }
    args.project_id = client.projectId;
  }
  validateArguments(operationShape("show_images_by_tag"), args);
}

/**
 * Pages are read by number, not by a cursor (the API has none). Tagging, untagging or deleting
 * images while iterating a tag filter therefore shifts the later images between pages: with the
 * filter "cat", untagging an image already seen moves the next page's first image onto the page
 * just read, and it is skipped; tagging one earlier in key order repeats an image. Collect the IDs
 * first and change them afterwards, or iterate a listing the change does not touch.
 */
async function* walk(fetchPage: FetchPage, params: IterateImagesByTagParams, options: CallOptions): AsyncGenerator<ListedImage, void, undefined> {
  const perPage = params.per_page;
  let seen = 0;
  for (let page = 1; ; page += 1) {
    const result = await fetchPage({ ...params, page }, options);
    if (!result.is_success) throw new ModelArtsServiceError(result, "show_images_by_tag", `page ${page}`);
    const { images, total } = result;
    for (const image of images) yield image;
    seen += images.length;
    // Without per_page the service's default page size is unknown here, so a short page proves
    // nothing; an empty page and the total still end the walk.
    if (images.length === 0 || (perPage !== undefined && images.length < perPage) || seen >= total) return;
  }
}

export function iterateImagesByTag(
  client: ModelArtsClient,
  fetchPage: FetchPage,
  params: IterateImagesByTagParams,
  options: CallOptions = {},
): AsyncGenerator<ListedImage, void, undefined> {
  checkArguments(client, params, options);
  return walk(fetchPage, params, options);
}
