/**
 * OBS as a folder: `obs://bucket/prefix/` is `<obsRoot>/bucket/prefix/`, and the objects
 * under a prefix are the files below that folder, at any depth. A job's images are the
 * objects whose extension is .jpg, .jpeg, .png or .bmp in any letter case: the formats
 * a ModelArts image classification or object detection job imports; anything else in
 * the folder (labels, manifests, notes) is not an image and is skipped, as the service does.
 */
import { hash } from "node:crypto";
import { opendirSync, type Dir, type Dirent } from "node:fs";
import { realpath } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { HEADER_READ_BYTES, readImageSizeSync, type PixelSize } from "./image-size.js";
import { Slices } from "./slices.js";

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
  // The one-shot hash: a Hash object per key cost more than the hashing at a million keys.
  return hash("md5", `${bucket}/${key}`, "hex");
}

function isImageKey(key: string): boolean {
  const dot = key.lastIndexOf(".");
  return dot > key.lastIndexOf("/") && IMAGE_EXTENSIONS.includes(key.slice(dot).toLowerCase());
}

/** The scan could not list the prefix: it does not exist, is not a folder, or is unreadable. */
export class ObsScanError extends Error {
  override name = "ObsScanError";
}

/**
 * Lists the image objects under a prefix, in key order, with their sizes from the file
 * headers. The prefix's folder is resolved to its real path, and refused unless that lies
 * inside obsRoot's real path: a symbolic link at the bucket or prefix level (or anywhere on a
 * job's data_path) may point inside obsRoot, never out of it. Below the prefix, symbolic links
 * are not followed at all: a link could point outside obsRoot or loop, and OBS has no such thing.
 *
 * Folders are listed and headers read with synchronous calls, in slices (see slices.ts):
 * each asynchronous file call is a round trip through libuv's thread pool (4 threads,
 * shared with the rest of the process), which cost two to three times the system calls
 * themselves. Only one file or folder is open at a time.
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
  const slices = new Slices();
  // The request that started the sync is answered before the first slice.
  await slices.pause();
  const files: { key: string; path: string }[] = [];
  await listInKeyOrder(folder, location.prefix, location, files, slices);

  const objects: ObsImageObject[] = [];
  const buffer = Buffer.allocUnsafe(HEADER_READ_BYTES);
  for (const { key, path } of files) {
    const object: ObsImageObject = { key, url: `obs://${location.bucket}/${key}`, imageId: imageIdOf(location.bucket, key) };
    const size = readImageSizeSync(path, buffer);
    if (size !== undefined) object.size = size;
    objects.push(object);
    if (slices.due) await slices.pause();
  }
  return objects;
}

/**
 * Appends the image files below a folder in key order, without sorting all keys at once
 * (a million keys take seconds, in one block): a folder's entries are sorted by name, a
 * subfolder's as its name plus "/", and subfolders are walked where they sort. A key is
 * prefix + name (+ "/" + more for a subfolder), so this is the order of the whole keys.
 */
async function listInKeyOrder(dirPath: string, keyPrefix: string, location: ObsLocation, files: { key: string; path: string }[], slices: Slices): Promise<void> {
  const failed = (error: unknown): ObsScanError => {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    return new ObsScanError(`cannot list obs://${location.bucket}/${keyPrefix}: ${code}`, { cause: error });
  };
  const entries: { sortName: string; name: string; folder: boolean }[] = [];
  let dir: Dir;
  try {
    dir = opendirSync(dirPath);
  } catch (error) {
    throw failed(error);
  }
  try {
    // Entry by entry, so that even a folder of a million files is listed in slices.
    for (;;) {
      let entry: Dirent | null;
      try {
        entry = dir.readSync();
      } catch (error) {
        throw failed(error);
      }
      if (entry === null) break;
      if (entry.isDirectory()) entries.push({ sortName: entry.name + "/", name: entry.name, folder: true });
      else if (entry.isFile() && isImageKey(keyPrefix + entry.name)) entries.push({ sortName: entry.name, name: entry.name, folder: false });
      if (slices.due) await slices.pause();
    }
  } finally {
    dir.closeSync();
  }
  entries.sort((a, b) => (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0));
  for (const entry of entries) {
    // dirPath is already normal and a name has no separator: path.join's normalising cost more than the rest of the listing.
    const path = dirPath + sep + entry.name;
    if (entry.folder) await listInKeyOrder(path, keyPrefix + entry.name + "/", location, files, slices);
    else files.push({ key: keyPrefix + entry.name, path });
  }
}
