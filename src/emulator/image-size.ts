/**
 * Width and height from the header of a PNG, JPEG or BMP file, so that listings can
 * carry `size` as the real service does. Anything unreadable or unrecognised gives
 * undefined: test fixtures are often a few bytes with an image extension, and those
 * must still sync as images.
 */
import { closeSync, openSync, readSync } from "node:fs";

export type PixelSize = [width: number, height: number];

/**
 * The first read of each file: PNG and BMP keep their size in the first 26 bytes, and a
 * plain JPEG reaches its frame header within a few hundred. A JPEG whose APPn segments
 * (EXIF, thumbnails, up to 64 KiB each) come first is followed segment by segment, each
 * further read starting at the next segment's marker, so the segments' contents are
 * never read. Reading a fixed 256 KiB per file cost more than opening and closing it.
 */
export const HEADER_READ_BYTES = 4096;
/** A JPEG needing more reads than this to reach its frame header is not one the service would read either. */
const MAX_READS_PER_FILE = 64;

/** What one window of a file tells: the size, that there is none, or where the format's next bytes are. */
type Finding = { size: PixelSize | undefined } | { readAt: number };

/** Width and height from a whole file's bytes (or enough of its start). */
export function imageSizeOf(data: Uint8Array): PixelSize | undefined {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const finding = firstFinding(buf, true);
  return "size" in finding ? finding.size : undefined;
}

function firstFinding(buf: Buffer, atEnd: boolean): Finding {
  const size = pngSize(buf) ?? bmpSize(buf);
  if (size !== undefined) return { size };
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return { size: undefined };
  return jpegFinding(buf, 0, 2, atEnd);
}

/**
 * One file's size, read into a buffer the caller reuses from file to file: one open, one
 * 4 KiB read (more only for a JPEG with long leading segments), one close. Synchronous on
 * purpose; the scan calls it in short slices between which the event loop runs (see obs.ts).
 * Anything unreadable or unrecognised gives undefined.
 */
export function readImageSizeSync(path: string, buffer: Buffer): PixelSize | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    let position = 0;
    for (let reads = 1; ; reads++) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, position);
      const window = buffer.subarray(0, bytesRead);
      const atEnd = bytesRead < buffer.length;
      const finding = position === 0 ? firstFinding(window, atEnd) : jpegFinding(window, position, position, atEnd);
      if ("size" in finding) return finding.size;
      if (reads >= MAX_READS_PER_FILE || finding.readAt <= position) return undefined;
      position = finding.readAt;
    }
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
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

/**
 * Walks JPEG markers from file offset `offset` within a window holding the file's bytes from
 * `windowStart`. When the window ends before the next marker's header or the frame's size
 * fields, asks for the bytes from that marker on, unless the file ended there.
 */
function jpegFinding(window: Buffer, windowStart: number, offset: number, atEnd: boolean): Finding {
  const windowEnd = windowStart + window.length;
  const needMore = (): Finding => (atEnd ? { size: undefined } : { readAt: offset });
  while (offset + 4 <= windowEnd) {
    const at = offset - windowStart;
    if (window[at] !== 0xff) return { size: undefined };
    const marker = window[at + 1] as number;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    // Standalone markers have no length field.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
      offset += 2;
      continue;
    }
    const length = window.readUInt16BE(at + 2);
    if (isStartOfFrame(marker)) {
      if (offset + 9 > windowEnd) return needMore();
      return { size: positive(window.readUInt16BE(at + 7), window.readUInt16BE(at + 5)) };
    }
    offset += 2 + length;
  }
  return needMore();
}

function bmpSize(buf: Buffer): PixelSize | undefined {
  if (buf.length < 26 || buf.toString("latin1", 0, 2) !== "BM") return undefined;
  const dibSize = buf.readUInt32LE(14);
  if (dibSize === 12) return positive(buf.readUInt16LE(18), buf.readUInt16LE(20)); // OS/2 BITMAPCOREHEADER
  // A negative height marks a top-down bitmap; the size is its absolute value.
  return positive(buf.readInt32LE(18), Math.abs(buf.readInt32LE(22)));
}
