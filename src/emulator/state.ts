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
import { KeyOrderedList } from "./key-ordered-list.js";
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

/**
 * The job's images by ID, and one key-ordered list per filter a listing can ask for, kept
 * up to date by every write so that a page costs O(page + log n) and the tag answers come
 * from list sizes. Each image is in `all`, in exactly one of `labelled` and `unlabelled`,
 * and in the list of each distinct tag name it carries; a tag list is dropped when it empties.
 */
interface JobImages {
  byId: Map<string, ImageRecord>;
  all: KeyOrderedList<ImageRecord>;
  labelled: KeyOrderedList<ImageRecord>;
  unlabelled: KeyOrderedList<ImageRecord>;
  byTag: Map<string, KeyOrderedList<ImageRecord>>;
}

interface JobRecord extends JobDefinition {
  syncStatus: SyncStatus;
  images: JobImages;
  /** Counts the writes to the images, so that a sync prepared in slices knows whether it is still current. */
  version: number;
}

/** A finished scan turned into the job's next images, ready to swap in while the job is still at `version`. */
export interface PreparedSync {
  readonly jobId: string;
  readonly version: number;
  readonly objects: readonly ObsImageObject[];
  readonly images: JobImages;
  readonly outcome: SyncOutcome;
}

/** What a long computation does between steps: nothing (run it through), or give the event loop a turn when due. */
interface Pacer {
  readonly due: boolean;
  pause(): Promise<void>;
}

/** Steps of a sync's build between which a pacer may pause. */
const BUILD_STEP = 1024;

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

function tagNamesOf(tags: readonly ImageTag[]): Set<string> {
  return new Set(tags.map(tagNameOf));
}

/** Shared by every unlabelled image, so that a million untagged images do not hold a million empty arrays. */
const NO_TAGS = Object.freeze([]) as unknown as ImageTag[];

function emptyImages(): JobImages {
  return { byId: new Map(), all: new KeyOrderedList(), labelled: new KeyOrderedList(), unlabelled: new KeyOrderedList(), byTag: new Map() };
}

/**
 * The job's next images from a scan: new objects unlabelled, the others with the tags they
 * have now, vanished ones gone, in one pass over the scan (which comes sorted by key), so
 * O(n + tags). A generator, yielding every BUILD_STEP images, so that a sync can build a
 * million images in slices while requests are served, and a test can run it straight through.
 */
function* nextImages(previous: Map<string, ImageRecord>, objects: readonly ObsImageObject[]): Generator<void, { images: JobImages; outcome: SyncOutcome }> {
  const sorted = isSortedByKey(objects) ? objects : withoutRepeatedKeys([...objects].sort(byKey));
  const images = emptyImages();
  const outcome: SyncOutcome = { added: [], removed: [], kept: [] };
  let step = 0;
  for (const object of sorted) {
    const existing = previous.get(object.imageId);
    if (existing !== undefined) outcome.kept.push(object.imageId);
    else outcome.added.push(object.imageId);
    const image: ImageRecord = {
      imageId: object.imageId,
      key: object.key,
      url: object.url,
      tags: existing?.tags ?? NO_TAGS,
      objectSize: object.size,
      labelledSize: existing?.labelledSize,
    };
    images.byId.set(image.imageId, image);
    images.all.append(image);
    if (image.tags.length === 0) images.unlabelled.append(image);
    else {
      images.labelled.append(image);
      for (const name of tagNamesOf(image.tags)) tagList(images, name).append(image);
    }
    if (++step % BUILD_STEP === 0) yield;
  }
  for (const id of previous.keys()) {
    if (!images.byId.has(id)) outcome.removed.push(id);
    if (++step % BUILD_STEP === 0) yield;
  }
  return { images, outcome };
}

function tagList(images: JobImages, name: string): KeyOrderedList<ImageRecord> {
  let list = images.byTag.get(name);
  if (list === undefined) {
    list = new KeyOrderedList();
    images.byTag.set(name, list);
  }
  return list;
}

/** Moves an image between the lists its tags put it in: only lists whose membership changes are touched. */
function retag(images: JobImages, image: ImageRecord, tags: ImageTag[]): void {
  const before = tagNamesOf(image.tags);
  const after = tagNamesOf(tags);
  if (image.tags.length > 0 !== tags.length > 0) {
    (tags.length > 0 ? images.unlabelled : images.labelled).delete(image.key);
    (tags.length > 0 ? images.labelled : images.unlabelled).insert(image);
  }
  for (const name of before) if (!after.has(name)) leaveTag(images, name, image);
  for (const name of after) if (!before.has(name)) tagList(images, name).insert(image);
  image.tags = tags.length > 0 ? tags : NO_TAGS;
}

function leaveTag(images: JobImages, name: string, image: ImageRecord): void {
  const list = images.byTag.get(name);
  if (list === undefined) return;
  list.delete(image.key);
  if (list.size === 0) images.byTag.delete(name);
}

function removeImage(images: JobImages, image: ImageRecord): void {
  images.byId.delete(image.imageId);
  images.all.delete(image.key);
  (image.tags.length > 0 ? images.labelled : images.unlabelled).delete(image.key);
  for (const name of tagNamesOf(image.tags)) leaveTag(images, name, image);
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
  /** Annotation job ID (query_validation's job_id) to the data-annotation job it validates. */
  readonly #annotationJobs: ReadonlyMap<string, string>;

  constructor(jobs: readonly JobDefinition[], annotationJobs: ReadonlyMap<string, string> = new Map()) {
    for (const job of jobs) {
      if (this.#jobs.has(job.id)) throw new TypeError(`job id ${job.id} is used twice`);
      this.#jobs.set(job.id, { ...job, syncStatus: 0, images: emptyImages(), version: 0 });
    }
    for (const [id, jobId] of annotationJobs) {
      if (!this.#jobs.has(jobId)) throw new TypeError(`annotation job ${id} names job ${jobId}, which does not exist`);
    }
    this.#annotationJobs = new Map(annotationJobs);
  }

  // -------------------------------------------------------------------------
  // Lookup. A job of another project answers exactly like a missing one, so that
  // probing IDs tells a caller nothing about other projects.

  /** For the data-annotations operations: ModelArts.4338 when not visible. */
  job(id: string, projectId: string): Job {
    return this.#visible(id, projectId, apiErrors.resourceNotExists);
  }

  /**
   * For query_validation: the data-annotation job whose labelled images the annotation job
   * validates. An unknown annotation job, and one over a job of another project, is ModelArts.4801.
   */
  labelTask(annotationJobId: string, projectId: string): Job {
    const jobId = this.#annotationJobs.get(annotationJobId);
    if (jobId === undefined) throw apiErrors.labelTaskNotExists();
    return this.#visible(jobId, projectId, apiErrors.labelTaskNotExists);
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

  #image(job: JobRecord, imageId: string): ImageRecord {
    const image = job.images.byId.get(imageId);
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
    return { id: job.id, sync_status: job.syncStatus, images: Array.from(job.images.all, imageInfo) };
  }

  // -------------------------------------------------------------------------
  // Reads

  /**
   * One page (1-based) of the images matching the filter, by object key: no filter means
   * every labelled image, UNTAGGED_FILTER every unlabelled one, anything else a tag name.
   * Object keys are compared as JavaScript strings (UTF-16 code units), the order of a
   * sync's scan. A page is read from the filter's own list, so changes to images that
   * stay outside the filter never move its pages.
   */
  listImages(job: Job, filter: { tagName?: string | undefined; page: number; perPage: number }): ImagePage {
    const images = this.#record(job).images;
    const { tagName } = filter;
    const list = tagName === undefined ? images.labelled : tagName === UNTAGGED_FILTER ? images.unlabelled : images.byTag.get(tagName);
    if (list === undefined) return { images: [], total: 0 };
    return { images: list.slice((filter.page - 1) * filter.perPage, filter.perPage).map(imageInfo), total: list.size };
  }

  /** From the tag lists, each of which holds at least one image. */
  tagNames(job: Job): TagNames {
    return [...this.#record(job).images.byTag.keys()].sort();
  }

  /** From the lists' sizes; an image with two boxes of one tag is in that tag's list once. */
  tagStatistics(job: Job): TagStatistics {
    const images = this.#record(job).images;
    return {
      tag_count: [...images.byTag.keys()].sort().map((tag) => ({ tag, count: (images.byTag.get(tag) as KeyOrderedList<ImageRecord>).size })),
      tags_stat: [
        { has_tag: true, count: images.labelled.size },
        { has_tag: false, count: images.unlabelled.size },
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
    return Array.from(this.#record(job).images.labelled, (image) => ({ image_id: image.imageId, url: image.url, tags: image.tags.map(copyTag) }));
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
      retag(record.images, image, job.type === 0 ? [...new Set(entry.tags as string[])] : entry.tags.map(copyTag));
      if (size !== undefined) image.labelledSize = [...size];
    });
    record.version++;
  }

  deleteImages(job: Job, imageIds: readonly string[]): void {
    const record = this.#record(job);
    const images = this.#images(record, imageIds);
    for (const image of images) removeImage(record.images, image);
    record.version++;
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
   * whose object vanished go, the others keep their tags. The lists are rebuilt in one
   * linear pass over the scan, which comes sorted by key: the scan itself is linear, so
   * a merge of the differences would not change the cost of a sync.
   */
  completeSync(job: Job, objects: readonly ObsImageObject[]): SyncOutcome {
    const build = nextImages(this.#record(job).images.byId, objects);
    let step = build.next();
    while (step.done !== true) step = build.next();
    return this.#apply(job, step.value);
  }

  /**
   * completeSync in two halves, for large scans: the next images are built in slices paced
   * by `pacer` while requests go on (and see the job as before), then applySync swaps them
   * in at once. A write to the job's images in between makes the build stale; applySync
   * then redoes it in one step, so a tag set in the meantime is never lost.
   */
  async prepareSync(job: Job, objects: readonly ObsImageObject[], pacer: Pacer): Promise<PreparedSync> {
    const record = this.#record(job);
    const version = record.version;
    const build = nextImages(record.images.byId, objects);
    let step = build.next();
    while (step.done !== true) {
      if (pacer.due) {
        await pacer.pause();
        // Written to meanwhile: the rest of this build would be wasted.
        if (record.version !== version) return { jobId: job.id, version: -1, objects, images: emptyImages(), outcome: { added: [], removed: [], kept: [] } };
      }
      step = build.next();
    }
    return { jobId: job.id, version, objects, ...step.value };
  }

  applySync(job: Job, prepared: PreparedSync): SyncOutcome {
    if (prepared.jobId !== job.id) throw new RangeError(`a sync prepared for job ${prepared.jobId} applied to job ${job.id}`);
    if (this.#record(job).version !== prepared.version) return this.completeSync(job, prepared.objects);
    return this.#apply(job, prepared);
  }

  #apply(job: Job, next: { images: JobImages; outcome: SyncOutcome }): SyncOutcome {
    const record = this.#record(job);
    record.images = next.images;
    record.syncStatus = 1;
    record.version++;
    return next.outcome;
  }

  /** A failed scan leaves the images as they were. */
  failSync(job: Job): void {
    this.#record(job).syncStatus = 2;
  }
}

function isSortedByKey(objects: readonly ObsImageObject[]): boolean {
  for (let i = 1; i < objects.length; i++) if (byKey(objects[i - 1] as ObsImageObject, objects[i] as ObsImageObject) >= 0) return false;
  return true;
}

/** A key given twice is one object (its ID derives from the key): the later entry wins, as a map would have it. */
function withoutRepeatedKeys(sorted: ObsImageObject[]): ObsImageObject[] {
  return sorted.filter((object, i) => i + 1 === sorted.length || (sorted[i + 1] as ObsImageObject).key !== object.key);
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
