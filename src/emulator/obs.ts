/**
 * OBS as a folder: `obs://bucket/prefix/` is `<obsRoot>/bucket/prefix/`, and the objects
 * under a prefix are the files below that folder, at any depth. A job's images are the
 * objects whose extension is .jpg, .jpeg, .png or .bmp in any letter case: the formats
 * a ModelArts image classification or object detection job imports; anything else in
 * the folder (labels, manifests, notes) is not an image and is skipped, as the service does.
 */
import { createHash } from "node:crypto";
import { readdir, realpath } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { readImageSize, type PixelSize } from "./image-size.js";

export interface ObsLocation {
  bucket: string;
  /** Object key prefix: "" for the whole bucket, else segments each followed by "/". */
  prefix: string;
}

export interface ObsImageObject {
  key: string;
  /** obs://bucket/key */
  url: string;
  /** Stable across syncs of the same object, so re-syncs keep IDs and tags. */
  imageId: string;
  /** From the file header, when it is a readable PNG, JPEG or BMP. */
  size?: PixelSize;
}

/** Orders objects (or records of them) by object key; shared by the scan and the image lists. */
export const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

const IMAGE_EXTENSIONS: readonly string[] = [".jpg", ".jpeg", ".png", ".bmp"];

// OBS bucket naming rules: 3 to 63 lowercase letters, digits, dots and dashes, starting and ending with a letter or digit.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Reads `obs://bucket/prefix/`. Refuses anything that could leave the bucket's folder
 * once mapped onto the file system ("..", ".", empty segments, backslashes, NUL), so
 * a path is either a plain folder under obsRoot or a problem.
 */
export function parseObsPath(value: string): ObsLocation | { problem: string } {
  const m = /^obs:\/\/([^/]*)\/(.*)$/s.exec(value);
  if (m === null) return { problem: "must look like obs://bucket/prefix/" };
  const bucket = m[1] as string;
  const prefix = m[2] as string;
  if (!BUCKET.test(bucket) || bucket.includes("..")) {
    return { problem: "has an invalid bucket name (3 to 63 lowercase letters, digits, dots and dashes)" };
  }
  if (prefix !== "" && !prefix.endsWith("/")) return { problem: "must end with '/' (a folder)" };
  if (/[\\\0]/.test(prefix)) return { problem: "must not contain backslashes or NUL characters" };
  const segments = prefix === "" ? [] : prefix.slice(0, -1).split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) {
    return { problem: "must not contain empty, '.' or '..' segments" };
  }
  return { bucket, prefix };
}

/** The folder that holds the prefix's objects; throws if it would not be inside obsRoot. */
export function obsFolderPath(obsRoot: string, location: ObsLocation): string {
  const folder = join(obsRoot, location.bucket, ...location.prefix.split("/").filter((s) => s !== ""));
  const rel = relative(obsRoot, folder);
  if (rel === "" || rel === ".." || rel.startsWith(".." + sep) || isAbsolute(rel)) {
    throw new RangeError(`obs://${location.bucket}/${location.prefix} does not map inside the OBS root`);
  }
  return folder;
}

export function imageIdOf(bucket: string, key: string): string {
  return createHash("md5").update(`${bucket}/${key}`, "utf8").digest("hex");
}

function isImageKey(key: string): boolean {
  const dot = key.lastIndexOf(".");
  return dot > key.lastIndexOf("/") && IMAGE_EXTENSIONS.includes(key.slice(dot).toLowerCase());
}

/** The scan could not list the prefix: it does not exist, is not a folder, or is unreadable. */
export class ObsScanError extends Error {
  override name = "ObsScanError";
}

const SIZE_READS_IN_FLIGHT = 16;

/**
 * Lists the image objects under a prefix, sorted by key. The prefix's folder is resolved to its
 * real path, and refused unless that lies inside obsRoot's real path: a symbolic link at the
 * bucket or prefix level (or anywhere on a job's data_path) may point inside obsRoot, never out of
 * it. Below the prefix, symbolic links are not followed at all: a link could point outside obsRoot
 * or loop, and OBS has no such thing.
 */
export async function scanObsFolder(obsRoot: string, location: ObsLocation): Promise<ObsImageObject[]> {
  const mapped = obsFolderPath(obsRoot, location);
  let folder: string;
  let root: string;
  try {
    [root, folder] = await Promise.all([realpath(obsRoot), realpath(mapped)]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new ObsScanError(`cannot list obs://${location.bucket}/${location.prefix}: ${code}`, { cause: error });
  }
  const inside = relative(root, folder);
  if (inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new ObsScanError(`cannot list obs://${location.bucket}/${location.prefix}: it resolves outside the OBS root`);
  }
  const files: { key: string; path: string }[] = [];
  const pending: { dir: string; keyPrefix: string }[] = [{ dir: folder, keyPrefix: location.prefix }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    let entries;
    try {
      entries = await readdir(next.dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      throw new ObsScanError(`cannot list obs://${location.bucket}/${next.keyPrefix}: ${code}`, { cause: error });
    }
    for (const entry of entries) {
      const path = join(next.dir, entry.name);
      const key = next.keyPrefix + entry.name;
      if (entry.isDirectory()) pending.push({ dir: path, keyPrefix: key + "/" });
      else if (entry.isFile() && isImageKey(key)) files.push({ key, path });
    }
  }
  files.sort(byKey);

  const objects: ObsImageObject[] = files.map(({ key }) => ({
    key,
    url: `obs://${location.bucket}/${key}`,
    imageId: imageIdOf(location.bucket, key),
  }));
  // Bounded so that a large folder does not run out of file descriptors.
  for (let i = 0; i < files.length; i += SIZE_READS_IN_FLIGHT) {
    const batch = files.slice(i, i + SIZE_READS_IN_FLIGHT);
    const sizes = await Promise.all(batch.map((f) => readImageSize(f.path)));
    sizes.forEach((size, j) => {
      if (size !== undefined) (objects[i + j] as ObsImageObject).size = size;
    });
  }
  return objects;
}
