/**
 * The commands that call the service: each is a helper call of DataAnnotationsApi or LabelApi,
 * its answer printed as text or JSON, and its outcome turned into an exit code.
 */
import { ModelArtsWaiterTimeoutError, OPERATIONS, type components, type FailureResult, type HelperParams, type WaitForSyncObsResult } from "../../index.node.js";
import { EXIT } from "../exit-codes.js";
import { readBody } from "../body.js";
import type { Output, CliIo } from "../output.js";
import { ProgressLine } from "../progress.js";
import type { ClientFlags } from "../program.js";
import { confirm, readStdin } from "../stdin.js";
import { UsageError } from "../usage.js";
import { connect, errorFields, exitCodeOf, guarded, interruptible, isReportable, outputFor, reportError, failureLine, serviceFailure } from "./common.js";

type ImageInfo = components["schemas"]["ImageInfo"];
type ImageTag = components["schemas"]["ImageTag"];

interface JobFlags extends ClientFlags {
  dataAnnotationId: string;
}

/** The spec's sync_status values, as words. */
const SYNC_STATUS: Readonly<Record<number, string>> = { 0: "not started", 1: "succeeded", 2: "failed", 3: "syncing" };
const statusName = (status: number) => SYNC_STATUS[status] ?? `status ${status}`;

function job(flags: JobFlags): { project_id?: string; data_annotation_id: string } {
  return { ...(flags.projectId !== undefined ? { project_id: flags.projectId } : {}), data_annotation_id: flags.dataAnnotationId };
}

/** `colors` is the palette of the stream the word goes to: stdout's for answers, stderr's for the progress line. */
function colourStatus(colors: Output["out"], status: number): string {
  const name = statusName(status);
  return status === 1 ? colors.green(name) : status === 2 ? colors.red(name) : status === 3 ? colors.yellow(name) : name;
}

function tagText(tag: ImageTag): string {
  return typeof tag === "string" ? tag : `${tag.tag}[${tag.pos.join(",")}]`;
}

const tagsText = (tags: readonly ImageTag[]) => (tags.length === 0 ? "-" : tags.map(tagText).join(", "));

export function syncObs(io: CliIo, flags: JobFlags & { wait?: boolean; timeout?: number }): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    if (flags.timeout !== undefined && flags.wait !== true) throw new UsageError("--timeout applies to --wait only; add --wait");
    const id = flags.dataAnnotationId;
    const { das } = connect(flags);
    const started = await das.sync_obs(job(flags));
    // With --wait, a sync already running is what the user wants to see end: wait for that one.
    const alreadyRunning = !started.is_success && started.error_code === "ModelArts.4355" && flags.wait === true;
    if (!started.is_success && !alreadyRunning) {
      const code = serviceFailure(out, started);
      if (started.error_code === "ModelArts.4355") {
        out.note(`A sync of job ${id} is already running: "modelarts-annotations sync-obs -j ${id} --wait" waits for it to end, "modelarts-annotations sync-status -j ${id}" shows its state.`);
      }
      return code;
    }
    if (flags.wait !== true) {
      out.result({ ...started, data_annotation_id: id }, () => `Sync of job ${id} started; follow it with "modelarts-annotations sync-status -j ${id}", or use --wait.`);
      return EXIT.OK;
    }
    if (alreadyRunning) out.note(`A sync of job ${id} is already running; waiting for it to end.`);

    const progress = new ProgressLine(out.stderr, out.err);
    progress.update(`job ${id}: ${alreadyRunning ? "waiting for the running sync" : "sync started"}`);
    // Every --json document of a wait names the job and whether this command started the sync.
    const which = { data_annotation_id: id, started: !alreadyRunning };
    const goesOn = `The sync goes on in the service; check it with "modelarts-annotations sync-status -j ${id}".`;
    let settled: WaitForSyncObsResult;
    try {
      settled = await interruptible((signal) =>
        das.wait_for_sync_obs({
          ...job(flags),
          ...(flags.timeout !== undefined ? { timeoutMs: Math.ceil(flags.timeout * 1000) } : {}),
          signal,
          onProgress: ({ sync_status }) => progress.update(`job ${id}: ${colourStatus(out.err, sync_status)}`),
        }),
      ).finally(() => progress.stop());
    } catch (error) {
      if (error instanceof ModelArtsWaiterTimeoutError) {
        const last = error.lastStatus === undefined ? "no status could be read" : `the last status was ${statusName(error.lastStatus)} (${error.lastStatus})`;
        const message = `gave up waiting for the sync of job ${id} after ${(error.elapsedMs / 1000).toFixed(1)} s and ${error.polls} polls; ${last}`;
        if (out.json) out.result({ is_success: false, error_code: error.code, error_msg: message, sync_status: error.lastStatus ?? null, elapsedMs: error.elapsedMs, polls: error.polls, ...which }, () => "");
        out.error(`${message}\n${goesOn}`);
        return EXIT.NETWORK;
      }
      const code = isReportable(error) ? exitCodeOf(error) : undefined;
      if (code === EXIT.INTERRUPTED || code === EXIT.TERMINATED) {
        const message = `stopped waiting for the sync of job ${id} (${code === EXIT.INTERRUPTED ? "SIGINT" : "SIGTERM"})`;
        if (out.json) out.result({ is_success: false, error_code: "INTERRUPTED", error_msg: message, ...which }, () => "");
        out.error(`${message}\n${goesOn}`);
        return code;
      }
      throw error;
    }
    if (!settled.is_success) return serviceFailure(out, settled, which);
    const seconds = (settled.elapsedMs / 1000).toFixed(1);
    out.result({ ...settled, ...which }, () => `Sync of job ${id} ${colourStatus(out.out, settled.sync_status)} (${settled.sync_status}) after ${seconds} s.`);
    if (settled.sync_status === 2) {
      out.error(`the sync of job ${id} failed; check that its OBS path exists and holds images`);
      return EXIT.SERVICE;
    }
    return EXIT.OK;
  });
}

export function syncStatus(io: CliIo, flags: JobFlags): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    const result = await connect(flags).das.sync_obs_status(job(flags));
    if (!result.is_success) return serviceFailure(out, result);
    out.result(result, () => `Job ${flags.dataAnnotationId}: ${colourStatus(out.out, result.sync_status)} (sync_status ${result.sync_status})`);
    return EXIT.OK;
  });
}

interface ImagesFlags extends JobFlags {
  tag?: string;
  untagged?: boolean;
  page?: number;
  perPage?: number;
  all?: boolean;
}

// Tags last: they vary the most in length, and the last column needs no padding.
function imageRow(image: Pick<ImageInfo, "image_id" | "url" | "tags">): string[] {
  return [image.image_id, image.url, tagsText(image.tags)];
}
const IMAGE_HEADERS = ["IMAGE ID", "URL", "TAGS"];

function imagesQuery(flags: ImagesFlags) {
  if (flags.tag !== undefined && flags.untagged === true) throw new UsageError("--tag and --untagged cannot be used together");
  if (flags.all === true && flags.page !== undefined) throw new UsageError("--page and --all cannot be used together: --all reads every page");
  const tag_name = flags.untagged === true ? "__none__" : flags.tag;
  return { ...job(flags), ...(tag_name !== undefined ? { tag_name } : {}) };
}

/** show_images_by_tag's per_page default and maximum, from the operation table the package exports. */
function perPageOfSpec(): { default: number; maximum: number } {
  const perPage = OPERATIONS.show_images_by_tag.queryParameters.find((p) => p.name === "per_page");
  if (perPage?.default === undefined || perPage.maximum === undefined) throw new Error("the spec gives show_images_by_tag no per_page default and maximum");
  return { default: perPage.default, maximum: perPage.maximum };
}

export function images(io: CliIo, flags: ImagesFlags): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    const query = imagesQuery(flags);
    const perPage = perPageOfSpec();
    const { das } = connect(flags);
    // --all asks for the largest pages: fewer round trips, and one page is all it holds anyway.
    if (flags.all === true) return allImages(out, das, { ...query, per_page: flags.perPage ?? perPage.maximum });

    const page = flags.page ?? 1;
    const result = await das.show_images_by_tag({ ...query, page, ...(flags.perPage !== undefined ? { per_page: flags.perPage } : {}) });
    if (!result.is_success) return serviceFailure(out, result);
    out.result(result, () => (result.images.length === 0 ? "" : out.table(IMAGE_HEADERS, result.images.map(imageRow))));
    if (!out.json) {
      const pages = Math.max(1, Math.ceil(result.total / (flags.perPage ?? perPage.default)));
      const more = page < pages ? `; next: --page ${page + 1}, or --all` : "";
      out.note(`${result.images.length === 0 ? "No images" : `${result.images.length} images`} on page ${page} of ${pages} (${result.total} in all)${more}`);
    }
    return EXIT.OK;
  });
}

/**
 * Every page through the helpers' iterator, printed as it arrives, so memory stays one page
 * however large the job; writes wait for a slow reader. With --json the one document is
 * streamed too: `images` first, then `total` (the images listed) and `is_success`, which are
 * known only at the end. A failure partway (an error answer, a lost connection, Ctrl+C)
 * still closes the document, as `is_success: false` with the error's fields, after the
 * images listed so far.
 */
async function allImages(out: Output, das: ReturnType<typeof connect>["das"], params: HelperParams<"show_images_by_tag"> & { per_page: number }): Promise<number> {
  let count = 0;
  const table = out.tableWriter(IMAGE_HEADERS);
  let page: string[][] = [];
  let failure: unknown;
  try {
    // The header too is written inside: a Ctrl+C while it waits for the reader still closes the document.
    await interruptible(async (signal) => {
      if (out.json) await out.writeDrained('{\n  "images": [');
      for await (const image of das.iterate_images_by_tag(params, { signal })) {
        if (out.json) {
          await out.writeDrained(`${count === 0 ? "\n" : ",\n"}    ${JSON.stringify(image)}`);
        } else {
          page.push(imageRow(image));
          if (page.length === params.per_page) {
            table.add(page);
            page = [];
            await out.drained();
          }
        }
        count++;
      }
    });
  } catch (error) {
    failure = error;
  }
  if (out.json) {
    // Whatever ended the listing, the document ends: an unexpected error too, before main reports it.
    const end =
      failure === undefined
        ? { is_success: true }
        : isReportable(failure)
          ? errorFields(failure)
          : { is_success: false, error_code: "INTERNAL", error_msg: failure instanceof Error ? failure.message : String(failure) };
    const fields = Object.entries({ total: count, ...end }).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
    out.write(`${count === 0 ? "" : "\n  "}],\n${fields.join(",\n")}\n}\n`);
  } else if (page.length > 0) {
    table.add(page);
  }
  if (failure !== undefined) {
    if (!isReportable(failure)) throw failure;
    return reportError(out, failure);
  }
  if (!out.json) out.note(count === 0 ? "No images" : `${count} images`);
  return EXIT.OK;
}

export function imageTags(io: CliIo, given: string[], flags: JobFlags): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    const ids = await expandIds(given, "image IDs");
    const { das } = connect(flags);
    if (ids.length === 1) {
      const result = await das.get_image_info_by_id({ ...job(flags), image_id: ids[0]! });
      if (!result.is_success) return serviceFailure(out, result);
      out.result(result, () => out.table(["IMAGE ID", "SIZE", "TAGS"], [[ids[0]!, result.size?.join("x") ?? "-", tagsText(result.tags)]]));
      return EXIT.OK;
    }
    const result = await das.get_image_info_by_ids({ ...job(flags), body: { image_id: ids } });
    if (!result.is_success) return serviceFailure(out, result);
    out.result(result, () => out.table(["IMAGE ID", "SIZE", "TAGS"], (result.images_tags ?? []).map((image) => [image.image_id, image.size?.join("x") ?? "-", tagsText(image.tags)])));
    return EXIT.OK;
  });
}

interface ModifyFlags extends JobFlags {
  imageId?: string[];
  tag?: string[];
  untag?: boolean;
  body?: string;
}

/**
 * Image IDs as given, with a "-" replaced by the IDs on stdin, one per line, so that the
 * output of `images --json | jq` can be piped into the commands that take IDs.
 */
async function expandIds(values: readonly string[], what: string): Promise<string[]> {
  const dashes = values.filter((value) => value === "-").length;
  if (dashes === 0) return [...values];
  if (dashes > 1) throw new UsageError(`${what}: "-" (read the IDs from stdin) can be given only once`);
  const fromStdin = (await readStdin(what))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (fromStdin.length === 0) throw new UsageError(`${what}: "-" was given, but stdin holds no image IDs`);
  return values.flatMap((value) => (value === "-" ? fromStdin : [value]));
}

async function modifyBody(flags: ModifyFlags): Promise<HelperParams<"modify_image_info">["body"]> {
  const simple = flags.imageId !== undefined || flags.tag !== undefined || flags.untag === true;
  if (flags.body !== undefined) {
    if (simple) throw new UsageError("--body cannot be combined with --image-id, --tag or --untag");
    // The spec's validation checks the shape before anything is sent.
    return (await readBody(flags.body)) as HelperParams<"modify_image_info">["body"];
  }
  if (flags.imageId === undefined) throw new UsageError("give the images with --image-id (or the whole request with --body)");
  if (flags.untag === true && flags.tag !== undefined) throw new UsageError("--untag and --tag cannot be used together");
  // Replacing tags with none must be asked for by name: a forgotten --tag must not untag images.
  if (flags.untag !== true && flags.tag === undefined) throw new UsageError("give the new tags with --tag (repeatable), or --untag to remove them all");
  const tags = flags.tag ?? [];
  const ids = await expandIds(flags.imageId, "--image-id");
  return { images: ids.map((image_id) => ({ image_id, tags })) };
}

export function modifyImage(io: CliIo, flags: ModifyFlags): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    const body = await modifyBody(flags);
    const result = await connect(flags).das.modify_image_info({ ...job(flags), body });
    if (!result.is_success) return serviceFailure(out, result);
    const count = Array.isArray(body?.images) ? body.images.length : 0;
    out.result(result, () => `Retagged ${count} image${count === 1 ? "" : "s"} in job ${flags.dataAnnotationId}.`);
    return EXIT.OK;
  });
}

export function deleteImages(io: CliIo, given: string[], flags: JobFlags & { dryRun?: boolean; yes?: boolean }): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    const ids = await expandIds(given, "image IDs");
    const what = `${ids.length} image${ids.length === 1 ? "" : "s"} from job ${flags.dataAnnotationId}`;
    if (flags.dryRun === true) {
      out.result({ is_success: true, dry_run: true, data_annotation_id: flags.dataAnnotationId, image_id: ids }, () => `Would delete ${what} (their tags would be lost for good; the OBS objects stay):\n${ids.join("\n")}`);
      return EXIT.OK;
    }
    // Deleted images lose their tags for good, so a person at a terminal confirms first; scripts (stdin not a terminal) and --yes do not ask.
    if (flags.yes !== true && process.stdin.isTTY === true && !(await confirm(`Delete ${what}? Their tags are lost for good.`))) {
      throw new UsageError("nothing deleted", "Add --yes to delete without asking, or --dry-run to list what would go.");
    }
    const { das } = connect(flags);
    const result =
      ids.length === 1
        ? await das.delete_selected_image({ ...job(flags), image_id: ids[0]! })
        : await das.delete_selected_images({ ...job(flags), body: { image_id: ids } });
    if (!result.is_success) return serviceFailure(out, result);
    out.result(result, () => `Deleted ${ids.length} image${ids.length === 1 ? "" : "s"} from job ${flags.dataAnnotationId} (the OBS objects stay).`);
    return EXIT.OK;
  });
}

const tagNames = (tags: readonly ImageTag[]): string[] => tags.map((tag) => (typeof tag === "string" ? tag : tag.tag));

/**
 * delete-image: one image by delete_selected_image. Its --json document has the same keys on
 * every outcome (dry run, deleted, declined, refused, failed), null where one does not apply, so
 * a script reads one shape; `tags` are the tags a dry run found, which the deletion would lose.
 */
export async function deleteImage(io: CliIo, imageId: string, flags: JobFlags & { dryRun?: boolean; yes?: boolean }): Promise<number> {
  const out = outputFor(io, flags);
  const id = flags.dataAnnotationId;
  const document = {
    is_success: true,
    dry_run: flags.dryRun === true,
    deleted: false,
    data_annotation_id: id,
    image_id: imageId,
    tags: null as string[] | null,
    error_code: null as string | null,
    error_msg: null as string | null,
    http_status: null as number | null,
    request_id: null as string | null,
  };
  const failed = (fields: { error_code: string; error_msg: string; http_status?: number | undefined; request_id?: string | null }): void => {
    const { error_code, error_msg, http_status = null, request_id = null } = fields;
    if (out.json) out.result({ ...document, is_success: false, error_code, error_msg, http_status, request_id }, () => "");
  };
  const refused = (result: FailureResult): number => {
    failed(result);
    out.error(failureLine(result));
    return EXIT.SERVICE;
  };
  try {
    const { das } = connect(flags);
    if (flags.dryRun === true) {
      // Read, not just echoed: a dry run names an image that is not there as the deletion would.
      const found = await das.get_image_info_by_id({ ...job(flags), image_id: imageId });
      if (!found.is_success) return refused(found);
      const names = tagNames(found.tags);
      out.result({ ...document, tags: names }, () => `Would delete image ${imageId} from job ${id}, losing its tags for good (${names.length === 0 ? "it has none" : names.join(", ")}); the OBS object stays.`);
      return EXIT.OK;
    }
    if (flags.yes !== true && process.stdin.isTTY === true && !(await confirm(`Delete image ${imageId} from job ${id}? Its tags are lost for good.`))) {
      throw new UsageError("nothing deleted", "Add --yes to delete without asking, or --dry-run to see what would go.");
    }
    const result = await das.delete_selected_image({ ...job(flags), image_id: imageId });
    if (!result.is_success) return refused(result);
    out.result({ ...document, deleted: true }, () => `Deleted image ${imageId} from job ${id} (the OBS object stays).`);
    return EXIT.OK;
  } catch (error) {
    if (!isReportable(error)) throw error;
    failed(errorFields(error) as Parameters<typeof failed>[0]);
    return reportError(out, error);
  }
}

export function tags(io: CliIo, flags: JobFlags): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    const result = await connect(flags).das.query_tag_list(job(flags));
    if (!result.is_success) return serviceFailure(out, result);
    out.result(result, () => (result.tags.length === 0 ? "" : out.table(["TAG"], result.tags.map((tag) => [tag]))));
    if (!out.json && result.tags.length === 0) out.note(`Job ${flags.dataAnnotationId} has no tags yet`);
    return EXIT.OK;
  });
}

export function tagStats(io: CliIo, flags: JobFlags): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    const result = await connect(flags).das.get_tag_statistics(job(flags));
    if (!result.is_success) return serviceFailure(out, result);
    out.result(result, () => {
      const tagged = result.tags_stat.find((stat) => stat.has_tag)?.count ?? 0;
      const untagged = result.tags_stat.find((stat) => !stat.has_tag)?.count ?? 0;
      const table = result.tag_count.length === 0 ? "" : out.table(["TAG", "IMAGES"], result.tag_count.map((count) => [count.tag, String(count.count)]));
      return `${table}${table ? "\n" : ""}${tagged} tagged, ${untagged} untagged\n`;
    });
    return EXIT.OK;
  });
}

export function validation(io: CliIo, flags: ClientFlags & { jobId: string }): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    const result = await connect(flags).label.query_validation({ ...(flags.projectId !== undefined ? { project_id: flags.projectId } : {}), job_id: flags.jobId });
    if (!result.is_success) return serviceFailure(out, result);
    out.result(result, () => {
      const rate = result.last_pass_rate === null ? "none yet" : `${(result.last_pass_rate * 100).toFixed(1)}% passed`;
      const when = result.last_validation_time === null ? "" : ` (${result.last_validation_time})`;
      const head = `Job ${flags.jobId}: ${result.image_count} images to validate; last validation: ${rate}${when}\n`;
      return result.images.length === 0 ? head : `${head}\n${out.table(IMAGE_HEADERS, result.images.map(imageRow))}`;
    });
    return EXIT.OK;
  });
}
