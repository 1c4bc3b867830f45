/**
 * Sizes read from files, as a sync reads them: a first read of HEADER_READ_BYTES, then, for a
 * JPEG whose leading segments are longer, reads from each following marker. Whatever the layout,
 * the answer must be what parsing the whole file gives, and a file cut off anywhere gives nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { HEADER_READ_BYTES, imageSizeOf, readImageSizeSync } from "../../src/emulator/image-size.js";
import { tinyPng } from "../support/images.js";

const dir = mkdtempSync(join(tmpdir(), "modelarts-image-size-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNumber = 0;

function fileOf(bytes: Buffer): string {
  const path = join(dir, `f${fileNumber++}.bin`);
  writeFileSync(path, bytes);
  return path;
}

function segment(marker: number, payloadBytes: number): Buffer {
  const seg = Buffer.alloc(4 + payloadBytes, 0x5a);
  seg.writeUInt16BE(0xff00 | marker, 0);
  seg.writeUInt16BE(2 + payloadBytes, 2);
  return seg;
}

function jpeg(width: number, height: number, leading: Buffer[]): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), ...leading, sof, Buffer.alloc(8), Buffer.from([0xff, 0xd9])]);
}

const buffer = Buffer.allocUnsafe(HEADER_READ_BYTES);

describe("readImageSizeSync", () => {
  test("reads PNG, BMP and a plain JPEG from the first read", () => {
    expect(readImageSizeSync(fileOf(tinyPng(7, 9)), buffer)).toEqual([7, 9]);
    const bmp = Buffer.alloc(54);
    bmp.write("BM", 0, "latin1");
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(12, 18);
    bmp.writeInt32LE(-34, 22);
    expect(readImageSizeSync(fileOf(bmp), buffer)).toEqual([12, 34]);
    expect(readImageSizeSync(fileOf(jpeg(640, 480, [segment(0xe0, 14)])), buffer)).toEqual([640, 480]);
  });

  test("follows a JPEG past EXIF and thumbnail segments far beyond the first read", () => {
    const leading = [segment(0xe0, 14), segment(0xe1, 65_000), segment(0xe2, 65_000), segment(0xdb, 130)];
    expect(readImageSizeSync(fileOf(jpeg(4000, 3000, leading)), buffer)).toEqual([4000, 3000]);
  });

  test("any layout of leading segments gives what parsing the whole file gives (property)", () => {
    const layout = fc.array(fc.record({ marker: fc.constantFrom(0xe0, 0xe1, 0xe2, 0xed, 0xdb, 0xc4, 0xfe), bytes: fc.integer({ min: 0, max: 9000 }) }), { maxLength: 6 });
    fc.assert(
      fc.property(layout, fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }), fc.option(fc.nat()), (segments, w, h, cut) => {
        let bytes = jpeg(w, h, segments.map((s) => segment(s.marker, s.bytes)));
        // A file cut short anywhere, including inside the frame header.
        if (cut !== null) bytes = bytes.subarray(0, cut % bytes.length);
        expect(readImageSizeSync(fileOf(bytes), buffer)).toEqual(imageSizeOf(bytes));
        if (cut === null) expect(imageSizeOf(bytes)).toEqual([w, h]);
      }),
      { numRuns: 150 },
    );
  });

  test("a missing file, a folder, an empty file and a non-image give undefined", () => {
    expect(readImageSizeSync(join(dir, "missing.png"), buffer)).toBeUndefined();
    expect(readImageSizeSync(dir, buffer)).toBeUndefined();
    expect(readImageSizeSync(fileOf(Buffer.alloc(0)), buffer)).toBeUndefined();
    expect(readImageSizeSync(fileOf(Buffer.from("just text, named like an image")), buffer)).toBeUndefined();
    // Markers that go nowhere: a segment length pointing back is not followed forever.
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8]), segment(0xe1, 5000), Buffer.from([0x00, 0x01, 0x02])]);
    expect(readImageSizeSync(fileOf(broken), buffer)).toBeUndefined();
  });
});
