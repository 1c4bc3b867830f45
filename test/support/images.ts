/**
 * Image fixtures and a throw-away OBS root. Real (tiny) PNGs, so that the emulator's
 * size detection has something to read; a few bytes with a .jpg name work as well
 * when the size does not matter.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid grey PNG of the given size (a few dozen bytes). */
export function tinyPng(width = 2, height = 2): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc((width + 1) * height); // filter byte 0 and black pixels on every row
  return Buffer.concat([
    Buffer.from("89504e470d0a1a0a", "hex"),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Not a decodable image, just bytes behind an image extension: the emulator lists it without a size. */
export const FAKE_JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);

/** Object key ("bucket/prefix/name.png", as in obs://bucket/prefix/name.png minus the scheme) → content. */
export type ObsObjects = Record<string, string | Uint8Array>;

export class TempObsRoot {
  private constructor(readonly path: string) {}

  static async create(objects: ObsObjects = {}): Promise<TempObsRoot> {
    const root = new TempObsRoot(await mkdtemp(join(tmpdir(), "modelarts-obs-")));
    await root.put(objects);
    return root;
  }

  /** Writes objects, creating folders as needed; "bucket/a/b.png" lands in <root>/bucket/a/b.png. */
  async put(objects: ObsObjects): Promise<void> {
    for (const [key, content] of Object.entries(objects)) {
      const file = join(this.path, ...key.split("/"));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
  }

  /** Creates an empty folder, e.g. a bucket or prefix without objects. */
  async folder(key: string): Promise<void> {
    await mkdir(join(this.path, ...key.split("/")), { recursive: true });
  }

  async remove(...keys: string[]): Promise<void> {
    for (const key of keys) await rm(join(this.path, ...key.split("/")), { recursive: true, force: true });
  }

  async dispose(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}
