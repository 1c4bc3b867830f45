/**
 * The response limit (`maxResponseBytes`), which the Node entry puts around the fetch a client
 * sends with: a long-running Node process serves many calls, and one runaway answer must cost it
 * the limit, not its own size. The portable entry leaves it out, so it costs no browser bundle: a
 * page or a Worker is an isolate that its runtime ends at its own memory limit.
 */
import { ModelArtsServiceError } from "../errors.js";
import { checkWhole } from "./client.js";
import { describeRequest } from "./transport.js";

// The largest answer the spec allows is get_image_info_by_ids for 1000 images (show_images_by_tag
// pages hold at most 100). The spec bounds tag names (256 characters) but not tags per image, so
// the limit leaves 64 KiB per image, about 150 detection tags with long names: 64 MiB in all.
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

type Fetch = (request: Request) => Promise<Response>;

/** `fetch` whose responses' bodies fail past `maxResponseBytes` (the client's option, checked here; 0: no limit; default 64 MiB). */
export function limitResponses(fetch: Fetch, maxResponseBytes: unknown = DEFAULT_MAX_RESPONSE_BYTES): Fetch {
  const limit = checkWhole("maxResponseBytes", maxResponseBytes, 0, Number.MAX_SAFE_INTEGER, undefined, "bytes");
  return limit === 0 ? fetch : async (request) => capped(await fetch(request), limit, request);
}

/**
 * `response` with a body that fails as soon as more than `limit` bytes have come: a declared
 * Content-Length over it fails at the first read, and a streamed body is cut off in the chunk
 * that passes it, so a runaway answer costs the limit in memory, not its own size. Erroring the
 * stream cancels the source, which drops the connection.
 */
function capped(response: Response, limit: number, request: Request): Response {
  // A null-body status (204, 304) cannot be rebuilt with a stream, even an empty one as browsers give
  // (fetch never returns 101 or 103).
  if (response.body === null || [204, 205, 304].includes(response.status)) return response;
  let received = 0;
  const tooLarge = (controller: TransformStreamDefaultController): void =>
    controller.error(
      new ModelArtsServiceError(
        {
          error_code: "CLIENT.RESPONSE_TOO_LARGE",
          error_msg: `the body is larger than maxResponseBytes (${limit} bytes)`,
          http_status: response.status,
          request_id: response.headers.get("x-request-id"),
        },
        // Described only when the limit is met: the rest of the time this runs for every answer.
        describeRequest(request),
      ),
    );
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start: (controller) => (Number(response.headers.get("content-length")) > limit ? tooLarge(controller) : undefined),
      transform: (chunk, controller) => ((received += chunk.byteLength) > limit ? tooLarge(controller) : controller.enqueue(chunk)),
    }),
  );
  return new Response(body, response);
}

