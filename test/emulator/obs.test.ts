import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { imageSizeOf } from "../../src/emulator/image-size.js";
import { ObsScanError, imageIdOf, obsFolderPath, parseObsPath, scanObsFolder, type ObsLocation } from "../../src/emulator/obs.js";
import { FAKE_JPEG, TempObsRoot, tinyPng } from "../support/images.js";

function location(path: string): ObsLocation {
  const parsed = parseObsPath(path);
  if ("problem" in parsed) throw new Error(parsed.problem);
  return parsed;
}

describe("parseObsPath", () => {
  test.each([
    ["obs://bucket/cats/", { bucket: "bucket", prefix: "cats/" }],
    ["obs://my.bucket-1/a/b c/", { bucket: "my.bucket-1", prefix: "a/b c/" }],
    ["obs://bucket/", { bucket: "bucket", prefix: "" }],
  ])("reads %s", (path, expected) => {
    expect(parseObsPath(path)).toEqual(expected);
  });

  test.each([
    "s3://bucket/cats/",
    "obs://bucket/cats",
    "obs://bucket/../cats/",
    "obs://bucket/a/./b/",
    "obs://bucket/a//b/",
    "obs://bucket/a\\b/",
    "obs://Bucket/cats/",
    "obs://b/cats/",
    "obs:///cats/",
    "obs://bucket//",
  ])("refuses %s", (path) => {
    expect(parseObsPath(path)).toHaveProperty("problem");
  });

  test("the folder of a location stays inside the OBS root", () => {
    expect(obsFolderPath("/root", location("obs://bucket/a/b/"))).toBe(join("/root", "bucket", "a", "b"));
    expect(() => obsFolderPath("/root", { bucket: "..", prefix: "" })).toThrow(RangeError);
  });
});

describe("scanObsFolder", () => {
  let obs: TempObsRoot;
  beforeEach(async () => {
    obs = await TempObsRoot.create({
      "bucket/cats/b.png": tinyPng(3, 5),
      "bucket/cats/a.JPG": FAKE_JPEG,
      "bucket/cats/deep/c.jpeg": FAKE_JPEG,
      "bucket/cats/deep/d.Bmp": FAKE_JPEG,
      "bucket/cats/notes.txt": "not an image",
      "bucket/cats/label.json": "{}",
      "bucket/cats/noext": "x",
      "bucket/dogs/e.png": tinyPng(),
    });
  });
  afterEach(() => obs.dispose());

  test("lists the image files below the prefix, recursively, sorted by key, with stable IDs", async () => {
    const objects = await scanObsFolder(obs.path, location("obs://bucket/cats/"));
    expect(objects.map((o) => o.key)).toEqual(["cats/a.JPG", "cats/b.png", "cats/deep/c.jpeg", "cats/deep/d.Bmp"]);
    expect(objects[1]).toEqual({ key: "cats/b.png", url: "obs://bucket/cats/b.png", imageId: imageIdOf("bucket", "cats/b.png"), size: [3, 5] });
    expect(objects[0]?.size).toBeUndefined();
    expect(objects.every((o) => /^[0-9a-f]{32}$/.test(o.imageId))).toBe(true);
  });

  test("the whole bucket is a prefix too", async () => {
    const objects = await scanObsFolder(obs.path, location("obs://bucket/"));
    expect(objects).toHaveLength(5);
  });

  test("a missing folder is a scan error", async () => {
    await expect(scanObsFolder(obs.path, location("obs://bucket/birds/"))).rejects.toBeInstanceOf(ObsScanError);
    await expect(scanObsFolder(obs.path, location("obs://nobucket/cats/"))).rejects.toBeInstanceOf(ObsScanError);
  });

  test("symbolic links are not followed", async () => {
    await symlink(join(obs.path, "bucket", "dogs"), join(obs.path, "bucket", "cats", "linked"));
    await symlink(join(obs.path, "bucket", "dogs", "e.png"), join(obs.path, "bucket", "cats", "link.png"));
    const objects = await scanObsFolder(obs.path, location("obs://bucket/cats/"));
    expect(objects.map((o) => o.key)).not.toContain("cats/link.png");
    expect(objects.some((o) => o.key.startsWith("cats/linked/"))).toBe(false);
  });
});

describe("imageSizeOf", () => {
  test("reads PNG, JPEG and BMP headers", () => {
    expect(imageSizeOf(tinyPng(7, 9))).toEqual([7, 9]);

    const jpeg = Buffer.from([
      0xff, 0xd8, // SOI
      0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, // APP0 with two bytes of payload
      0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03, // SOF0: 480 x 640, 3 components
    ]);
    expect(imageSizeOf(jpeg)).toEqual([640, 480]);

    const bmp = Buffer.alloc(54);
    bmp.write("BM", 0, "latin1");
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(12, 18);
    bmp.writeInt32LE(-34, 22); // top-down
    expect(imageSizeOf(bmp)).toEqual([12, 34]);
  });

  test("gives nothing for a size past the spec's int32, however the header spells it", () => {
    const png = (width: number, height: number): Buffer => {
      const data = Buffer.from(tinyPng());
      data.writeUInt32BE(width, 16);
      data.writeUInt32BE(height, 20);
      return data;
    };
    expect(imageSizeOf(png(2 ** 31 - 1, 2 ** 31 - 1))).toEqual([2 ** 31 - 1, 2 ** 31 - 1]);
    expect(imageSizeOf(png(2 ** 31, 5))).toBeUndefined();
    expect(imageSizeOf(png(5, 2 ** 32 - 1))).toBeUndefined();

    const bmp = Buffer.alloc(54);
    bmp.write("BM", 0, "latin1");
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(12, 18);
    bmp.writeInt32LE(-(2 ** 31), 22); // top-down, 2^31 rows
    expect(imageSizeOf(bmp)).toBeUndefined();
  });

  test("gives nothing for unknown or truncated data", () => {
    expect(imageSizeOf(FAKE_JPEG)).toBeUndefined();
    expect(imageSizeOf(Buffer.from("hello"))).toBeUndefined();
    expect(imageSizeOf(tinyPng().subarray(0, 20))).toBeUndefined();
  });
});
