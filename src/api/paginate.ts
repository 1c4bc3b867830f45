/**
 * iterate_images_by_tag: every image of a `show_images_by_tag` listing as one async iterator,
 * fetched a page at a time as the consumer gets to it, so a job of a million images costs one
 * page of memory and a loop that breaks early costs only the pages it read. A page that meets
 * the service's passing trouble is asked for again, a few times, before the walk gives up.
 */
import { OPERATIONS } from "../../generated/operations.js";
import type { ModelArtsClient } from "./client.js";
import { ModelArtsServiceError, ModelArtsValidationError, type ServiceFailure } from "../errors.js";
import { checkedArguments, checkOptions, invalidAnswer } from "./invoke.js";
import type { CallOptions, HelperParams, Result, SuccessResult } from "./types.js";

const OPERATION = "iterate_images_by_tag";

/** `show_images_by_tag`'s arguments; the iterator chooses `page` itself. */
export type IterateImagesByTagParams = Omit<HelperParams<"show_images_by_tag">, "page">;

/** One image as `show_images_by_tag` lists it. */
export type ListedImage = SuccessResult<"show_images_by_tag">["images"][number];

type FetchPage = (params: HelperParams<"show_images_by_tag">, options: CallOptions) => Promise<Result<"show_images_by_tag">>;

/** `failure` as the error of page `page` (named in its message): a walk has no result to return it in. */
const pageError = (failure: ServiceFailure, page: number): ModelArtsServiceError => new ModelArtsServiceError(failure, "show_images_by_tag", `page ${page}`);
const invalid = (problem: string, page: number): ModelArtsServiceError => pageError(invalidAnswer(problem), page);


/**
 * Pages are read by number, not by a cursor (the API has none). Tagging, untagging or deleting
 * images while iterating a tag filter therefore shifts the later images between pages: with the
 * filter "cat", untagging an image already seen moves the next page's first image onto the page
 * just read, and it is skipped; tagging one earlier in key order repeats an image. Collect the IDs
 * first and change them afterwards, or iterate a listing the change does not touch.
 */
async function* walk(fetchPage: FetchPage, params: IterateImagesByTagParams, options: CallOptions): AsyncGenerator<ListedImage, void, undefined> {
  let seen = 0;
  // The IDs a page must list one beyond to make progress: the previous page's; from the first page
  // at or past the total on, every one listed since the page before it.
  let listed = new Set<unknown>();
  // What the service serves when per_page is left out: the spec's default.
  const perPage = params.per_page ?? (OPERATIONS.show_images_by_tag.validate.schema.properties!.per_page as { default: number }).default;
  for (let page = 1; ; page += 1) {
    // The helper has already retried what the client's retry policy retries.
    const result = await fetchPage({ ...params, page }, options);
    if (!result.is_success) throw pageError(result, page);
    // Helpers pass a 2xx body through as it came; the walk relies on `images` and `total`, so a
    // page without them (a proxy's `{}`, a cut-down body) is an invalid answer, not a crash mid-loop.
    const { images, total } = result;
    if (!Array.isArray(images) || !Number.isFinite(total)) throw invalid("no images list or numeric total", page);
    // The empty page the spec promises past the last one ends the walk, should the total overstate.
    if (images.length === 0) return;
    const ids = images.map((image) => (image as { image_id?: unknown }).image_id);
    // One rule for two servers that make no progress. One that ignores `page` answers the same
    // page for ever while its total promises more: each page lists only the one before's images.
    // One that holds its pages to fewer images than asked reaches pages that start at or past the
    // total, which must then bring images not listed yet; one cycling through its last pages does
    // not. Only there are the IDs kept beyond one page, and only from the page before the total
    // on (a server reaches it only when its pages are shorter than asked).
    if (ids.every((id) => listed.has(id))) throw invalid(`lists only images already listed (total ${total}, ${perPage} per page)`, page);
    if ((page - 1) * perPage < total) listed = new Set();
    for (const id of ids) listed.add(id);
    yield* images;
    seen += images.length;
    // A page shorter than per_page does not end the walk: a server may hold its pages to fewer
    // images than were asked for, and stopping there would drop the rest without a word. The
    // total (as of the latest page, so that it follows images added or removed meanwhile) ends it.
    if (seen >= total) return;
  }
}

export function iterateImagesByTag(
  client: ModelArtsClient,
  fetchPage: FetchPage,
  params: IterateImagesByTagParams,
  options: CallOptions = {},
): AsyncGenerator<ListedImage, void, undefined> {
  // Checked when the iterator is made rather than at the first `next()`, so that a mistake
  // surfaces where the call is written. The first page request checks them again, as every call does.
  checkOptions(options, OPERATION);
  checkedArguments(client, "show_images_by_tag", params);
  if ((params as { page?: unknown }).page !== undefined) {
    throw new ModelArtsValidationError("page", "is chosen by the iterator", OPERATION);
  }
  return walk(fetchPage, params, options);
}
