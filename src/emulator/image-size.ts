/**
 * Width and height from the header of a PNG, JPEG or BMP file, so that listings can
 * carry `size` as the real service does. Anything unreadable or unrecognised gives
 * undefined: test fixtures are often a few bytes with an image extension, and those
 * must still sync as images.
 */
import { open } from "node:fs/promises";

export type PixelSize = [width: number, height: number];

// JPEG puts SOF after APPn segments (EXIF, thumbnails), which can reach 64 KiB each.
const HEADER_BYTES = 256 * 1024;

export async function readImageSize(path: string): Promise<PixelSize | undefined> {
  let handle;
  try {
    handle = await open(path, "r");
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
    return imageSizeOf(buffer.subarray(0, bytesRead));
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

export function imageSizeOf(data: Uint8Array): PixelSize | undefined {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return pngSize(buf) ?? jpegSize(buf) ?? bmpSize(buf);
}

// The spec's sizes are int32: a header claiming more (PNG stores uint32, BMP's height can
// be -2^31) is not an image the service would have read, and must not produce an off-spec size.
const INT32_MAX = 2 ** 31 - 1;
const inRange = (n: number): boolean => n > 0 && n <= INT32_MAX;
const positive = (w: number, h: number): PixelSize | undefined => (inRange(w) && inRange(h) ? [w, h] : undefined);

function pngSize(buf: Buffer): PixelSize | undefined {
  const signature = "89504e470d0a1a0a";
  if (buf.length < 24 || buf.toString("hex", 0, 8) !== signature || buf.toString("latin1", 12, 16) !== "IHDR") return undefined;
  return positive(buf.readUInt32BE(16), buf.readUInt32BE(20));
}

// Start-of-frame markers carry the dimensions; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
const isStartOfFrame = (marker: number): boolean => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpegSize(buf: Buffer): PixelSize | undefined {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 4 <= buf.length) {
    if (buf[offset] !== 0xff) return undefined;
    const marker = buf[offset + 1] as number;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    // Standalone markers have no length field.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
      offset += 2;
      continue;
    }
    const length = buf.readUInt16BE(offset + 2);
    if (isStartOfFrame(marker)) {
      if (offset + 9 > buf.length) return undefined;
      return positive(buf.readUInt16BE(offset + 7), buf.readUInt16BE(offset + 5));
    }
    offset += 2 + length;
  }
  return undefined;
}

function bmpSize(buf: Buffer): PixelSize | undefined {
  if (buf.length < 26 || buf.toString("latin1", 0, 2) !== "BM") return undefined;
  const dibSize = buf.readUInt32LE(14);
  if (dibSize === 12) return positive(buf.readUInt16LE(18), buf.readUInt16LE(20)); // OS/2 BITMAPCOREHEADER
  // A negative height marks a top-down bitmap; the size is its absolute value.
  return positive(buf.readInt32LE(18), Math.abs(buf.readInt32LE(22)));
}
