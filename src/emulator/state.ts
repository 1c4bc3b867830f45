/**
 * The service's data and rules, without HTTP: jobs, their images and tags, the sync
 * state machine, and every all-or-nothing check. Methods either change state
 * completely or throw an ApiError before touching anything, so the HTTP layer only
 * translates. Answers are shaped as the API's bodies (minus `is_success`) because the
 * domain is the API.
 */
import type { components } from "../../generated/schema.js";
import { apiErrors } from "./errors.js";
import type { PixelSize } from "./image-size.js";
import { byKey, type ObsImageObject, type ObsLocation } from "./obs.js";

type Schemas = components["schemas"];
type ImageInfo = Schemas["ImageInfo"];
type ImageTags = Schemas["ImageTags"];
type ImageTag = Schemas["ImageTag"];
type ValidationImage = Schemas["ValidationImage"];
export type ModifyImageInfoRequest = Schemas["ModifyImageInfoRequest"];
type ImageSize = Schemas["ImageSize"];

/** The API's `project_type`: 0 image classification, 1 object detection. */
export type JobType = Schemas["ShowImagesByTagResponse"]["project_type"];
export const JOB_TYPE_NAMES: Readonly<Record<JobType, string>> = { 0: "image classification", 1: "object detection" };

export const isJobType = (value: unknown): value is JobType => typeof value === "number" && Object.hasOwn(JOB_TYPE_NAMES, value);

/** The API's `sync_status`: 0 never synced, 1 last sync succeeded, 2 last sync failed, 3 syncing now. */
export type SyncStatus = Schemas["SyncObsStatusResponse"]["sync_status"];

/** The answers below are the API's bodies without `is_success`, which the handlers add. */
type ImagePage = Pick<Schemas["ShowImagesByTagResponse"], "images" | "total">;
type TagNames = Schemas["QueryTagListResponse"]["tags"];
type TagStatistics = Omit<Schemas["GetTagStatisticsResponse"], "is_success">;
type ImageTagsAnswer = Omit<Schemas["GetImageInfoByIdResponse"], "is_success">;

/** The reserved `tag_name` that lists unlabelled images; no real tag may be called so. */
const UNTAGGED_FILTER = "__none__";

export interface JobDefinition {
  id: string;
  name: string;
  description: string;
  type: JobType;
  /** The only project that may see the job; undefined lets every project see it. */
  projectId: string | undefined;
  dataPath: string;
  location: ObsLocation;
  /** Milliseconds since the epoch. */
  createTime: number;
}

interface ImageRecord {
  imageId: string;
  key: string;
  url: string;
  tags: ImageTag[];
  /** Read from the object at the last sync. */
  objectSize: PixelSize | undefined;
  /** Given with the tags by modify_image_info; it is what the boxes were drawn against. */
  labelledSize: ImageSize | undefined;
}

interface JobRecord extends JobDefinition {
  syncStatus: SyncStatus;
  images: Map<string, ImageRecord>;
  /** Images ordered by object key, rebuilt after each change. */
  ordered: ImageRecord[] | undefined;
}

export type Job = Readonly<JobDefinition> & { readonly syncStatus: SyncStatus };

export interface JobSnapshot {
  id: string;
  sync_status: SyncStatus;
  /** Every image, labelled or not, ordered by object key. */
  images: ImageInfo[];
}

interface SyncOutcome {
  added: string[];
  removed: string[];
  kept: string[];
}

const isDetectionTag = (tag: ImageTag): tag is Schemas["DetectionTag"] => typeof tag === "object";
const tagNameOf = (tag: ImageTag): string => (isDetectionTag(tag) ? tag.tag : tag);
const copyTag = (tag: ImageTag): ImageTag => (isDetectionTag(tag) ? { tag: tag.tag, pos: [...tag.pos] } : tag);

function tagNamesOf(image: ImageRecord): Set<string> {
  return new Set(image.tags.map(tagNameOf));
}

function sizeOf(image: ImageRecord): ImageSize | undefined {
  return image.labelledSize ?? image.objectSize;
}

function imageInfo(image: ImageRecord): ImageInfo {
  const info: ImageInfo = { image_id: image.imageId, url: image.url, tags: image.tags.map(copyTag) };
  const size = sizeOf(image);
  if (size !== undefined) info.size = [...size];
  return info;
}

export class AnnotationState {
  readonly #jobs = new Map<string, JobRecord>();

  constructor(jobs: readonly JobDefinition[]) {
    for (const job of jobs) {
      if (this.#jobs.has(job.id)) throw new TypeError(`job id ${job.id} is used twice`);
      this.#jobs.set(job.id, { ...job, syncStatus: 0, images: new Map(), ordered: undefined });
    }
  }

  // -------------------------------------------------------------------------
  // Lookup. A job of another project answers exactly like a missing one, so that
  // probing IDs tells a caller nothing about other projects.

  /** For the data-annotations operations: ModelArts.4338 when not visible. */
  job(id: string, projectId: string): Job {
    return this.#visible(id, projectId, apiErrors.resourceNotExists);
  }

  /** For query_validation: ModelArts.4801 when not visible. */
  labelTask(id: string, projectId: string): Job {
    return this.#visible(id, projectId, apiErrors.labelTaskNotExists);
  }

  #visible(id: string, projectId: string, notFound: () => Error): JobRecord {
    const job = this.#jobs.get(id);
    if (job === undefined || (job.projectId !== undefined && job.projectId !== projectId)) throw notFound();
    return job;
  }

  #record(job: Job): JobRecord {
    const record = this.#jobs.get(job.id);
    if (record === undefined) throw new RangeError(`unknown job ${job.id}`);
    return record;
  }

  #ordered(job: JobRecord): ImageRecord[] {
    job.ordered ??= [...job.images.values()].sort(byKey);
    return job.ordered;
  }

  #changed(job: JobRecord): void {
    job.ordered = undefined;
  }

  #image(job: JobRecord, imageId: string): ImageRecord {
    const image = job.images.get(imageId);
    if (image === undefined) throw apiErrors.sampleNotFound(imageId);
    return image;
  }

  /** Every image must exist before anything happens; the first unknown ID is named. */
  #images(job: JobRecord, imageIds: readonly string[]): ImageRecord[] {
    return imageIds.map((id) => this.#image(job, id));
  }

  snapshot(jobId: string): JobSnapshot | undefined {
    const job = this.#jobs.get(jobId);
    if (job === undefined) return undefined;
    return { id: job.id, sync_status: job.syncStatus, images: this.#ordered(job).map(imageInfo) };
  }

  // -------------------------------------------------------------------------
  // Reads

  /**
   * One page (1-based) of the images matching the filter, by object key: no filter means
   * every labelled image, UNTAGGED_FILTER every unlabelled one, anything else a tag name.
   */
  listImages(job: Job, filter: { tagName?: string | undefined; page: number; perPage: number }): ImagePage {
    const { tagName } = filter;
    const matches = this.#ordered(this.#record(job)).filter((image) =>
      tagName === undefined ? image.tags.length > 0 : tagName === UNTAGGED_FILTER ? image.tags.length === 0 : tagNamesOf(image).has(tagName),
    );
    const start = (filter.page - 1) * filter.perPage;
    return { images: matches.slice(start, start + filter.perPage).map(imageInfo), total: matches.length };
  }

  tagNames(job: Job): TagNames {
    const names = new Set<string>();
    for (const image of this.#record(job).images.values()) for (const tag of image.tags) names.add(tagNameOf(tag));
    return [...names].sort();
  }

  tagStatistics(job: Job): TagStatistics {
    const counts = new Map<string, number>();
    let labelled = 0;
    let unlabelled = 0;
    for (const image of this.#record(job).images.values()) {
      if (image.tags.length === 0) unlabelled++;
      else labelled++;
      // An image with two boxes of one tag counts once for it.
      for (const name of tagNamesOf(image)) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return {
      tag_count: [...counts.keys()].sort().map((tag) => ({ tag, count: counts.get(tag) as number })),
      tags_stat: [
        { has_tag: true, count: labelled },
        { has_tag: false, count: unlabelled },
      ],
    };
  }

  /** Classification jobs answer with the ID and names; detection jobs with boxes and the size. */
  imageTags(job: Job, imageId: string): ImageTagsAnswer {
    const image = this.#image(this.#record(job), imageId);
    const tags = image.tags.map(copyTag);
    if (job.type === 0) return { image_id: image.imageId, tags };
    const size = sizeOf(image);
    return size === undefined ? { tags } : { tags, size: [...size] };
  }

  /** In the order given; fails as a whole, naming the first unknown ID. */
  imagesTags(job: Job, imageIds: readonly string[]): ImageTags[] {
    return this.#images(this.#record(job), imageIds).map((image) => {
      const entry: ImageTags = { image_id: image.imageId, tags: image.tags.map(copyTag) };
      const size = sizeOf(image);
      if (job.type === 1 && size !== undefined) entry.size = [...size];
      return entry;
    });
  }

  validationImages(job: Job): ValidationImage[] {
    return this.#ordered(this.#record(job))
      .filter((image) => image.tags.length > 0)
      .map((image) => ({ image_id: image.imageId, url: image.url, tags: image.tags.map(copyTag) }));
  }

  // -------------------------------------------------------------------------
  // Writes: every check runs before the first change.

  /**
   * Replaces the tag sets of the listed images. Checks, in order: tag kinds fit the job
   * type (ModelArts.4820), the request makes sense (ModelArts.0104: an image listed
   * twice, the reserved tag name, a detection box without an image size or outside it),
   * and every image exists (ModelArts.4420).
   */
  modifyImages(job: Job, request: ModifyImageInfoRequest): void {
    const record = this.#record(job);
    for (const entry of request.images) {
      if (entry.tags.some((tag) => isDetectionTag(tag) !== (job.type === 1))) {
        throw apiErrors.unsupportedForJobType(JOB_TYPE_NAMES[job.type]);
      }
    }
    const seen = new Set<string>();
    request.images.forEach((entry, i) => {
      if (seen.has(entry.image_id)) throw apiErrors.parameter(`images[${i}].image_id: ${entry.image_id} is listed twice`);
      seen.add(entry.image_id);
      entry.tags.forEach((tag, j) => {
        if (tagNameOf(tag) === UNTAGGED_FILTER) {
          throw apiErrors.parameter(`images[${i}].tags[${j}]: ${UNTAGGED_FILTER} is reserved for listing unlabelled images`);
        }
      });
      if (job.type === 1) checkBoxes(entry, i, request.size);
    });
    const images = this.#images(record, request.images.map((entry) => entry.image_id));

    images.forEach((image, i) => {
      const entry = request.images[i] as ImageTags;
      const size = entry.size ?? request.size;
      // A classification image holds each name once, however often it was sent.
      image.tags = job.type === 0 ? [...new Set(entry.tags as string[])] : entry.tags.map(copyTag);
      if (size !== undefined) image.labelledSize = [...size];
    });
    this.#changed(record);
  }

  deleteImages(job: Job, imageIds: readonly string[]): void {
    const record = this.#record(job);
    const images = this.#images(record, imageIds);
    for (const image of images) record.images.delete(image.imageId);
    this.#changed(record);
  }

  // -------------------------------------------------------------------------
  // Sync: 0 → 3 → 1 or 2, and again from 1 or 2.

  /** Marks the job as syncing; ModelArts.4355 while a sync of it already runs. */
  beginSync(job: Job): void {
    const record = this.#record(job);
    if (record.syncStatus === 3) throw apiErrors.syncTaskExists();
    record.syncStatus = 3;
  }

  /**
   * Applies a finished scan in one step: new objects become unlabelled images, images
   * whose object vanished go, the others keep their tags.
   */
  completeSync(job: Job, objects: readonly ObsImageObject[]): SyncOutcome {
    const record = this.#record(job);
    const images = new Map<string, ImageRecord>();
    const outcome: SyncOutcome = { added: [], removed: [], kept: [] };
    for (const object of objects) {
      const existing = record.images.get(object.imageId);
      if (existing !== undefined) outcome.kept.push(object.imageId);
      else outcome.added.push(object.imageId);
      images.set(object.imageId, {
        imageId: object.imageId,
        key: object.key,
        url: object.url,
        tags: existing?.tags ?? [],
        objectSize: object.size,
        labelledSize: existing?.labelledSize,
      });
    }
    for (const id of record.images.keys()) if (!images.has(id)) outcome.removed.push(id);
    record.images = images;
    record.syncStatus = 1;
    this.#changed(record);
    return outcome;
  }

  /** A failed scan leaves the images as they were. */
  failSync(job: Job): void {
    this.#record(job).syncStatus = 2;
  }
}

function checkBoxes(entry: ImageTags, i: number, bodySize: ImageSize | undefined): void {
  if (entry.tags.length === 0) return;
  const size = entry.size ?? bodySize;
  if (size === undefined) {
    throw apiErrors.parameter(`images[${i}].size: is required for an object detection job, per image or once in the body's size`);
  }
  const [width, height] = size as [number, number];
  entry.tags.forEach((tag, j) => {
    const [xMin, yMin, xMax, yMax] = (tag as Schemas["DetectionTag"]).pos as [number, number, number, number];
    if (xMin > xMax || yMin > yMax) {
      throw apiErrors.parameter(`images[${i}].tags[${j}].pos: must be [x_min, y_min, x_max, y_max] with x_min <= x_max and y_min <= y_max`);
    }
    if (xMax > width || yMax > height) {
      throw apiErrors.parameter(`images[${i}].tags[${j}].pos: the box lies outside the ${width}x${height} image`);
    }
  });
}
