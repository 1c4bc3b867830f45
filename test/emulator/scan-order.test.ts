/**
 * A scan lists folders one at a time and sorts each folder's entries, never all keys at once;
 * the keys must still come out in the order of the whole keys, however names and subfolders
 * interleave ("a.png" < "a/..." < "a0.png", since "." < "/" < "0").
 */
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { parseObsPath, scanObsFolder } from "../../src/emulator/obs.js";
import { FAKE_JPEG } from "../support/images.js";
import { TempObsRoot } from "../support/images.js";

const roots: TempObsRoot[] = [];
afterAll(async () => {
  for (const root of roots) await root.dispose();
});

const location = (path: string) => {
  const parsed = parseObsPath(path);
  if ("problem" in parsed) throw new Error(parsed.problem);
  return parsed;
};

describe("scan order", () => {
  test("keys come out in whole-key order across folders", async () => {
    const keys = ["a.png", "a/b.png", "a/a.png", "a0.png", "a-b/c.png", "a-b.png", "ab.png", "a/b/c.png", "a/b.jpg", "A.png", "z.bmp", "é.png", "a/~.png"];
    const root = await TempObsRoot.create(Object.fromEntries(keys.map((key) => [`bucket/p/${key}`, FAKE_JPEG])));
    roots.push(root);
    const objects = await scanObsFolder(root.path, location("obs://bucket/p/"));
    const expected = keys.map((key) => `p/${key}`).sort();
    expect(objects.map((o) => o.key)).toEqual(expected);
  });

  test("any tree of names gives its keys sorted (property)", async () => {
    const segment = fc.stringMatching(/^[a-c0-9._-]{1,3}$/).filter((s) => s !== "." && s !== "..");
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.array(segment, { minLength: 1, maxLength: 3 }), { maxLength: 25, selector: (parts) => parts.join("/") }), async (paths) => {
        // A name cannot be a file and a folder at once: drop keys that are a prefix folder of another.
        const keys = paths.map((parts) => parts.join("/") + ".png");
        const folders = new Set(paths.flatMap((parts) => parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("/"))));
        const usable = keys.filter((key) => !folders.has(key));
        const root = await TempObsRoot.create(Object.fromEntries(usable.map((key) => [`bucket/q/${key}`, FAKE_JPEG])));
        try {
          await root.folder("bucket/q");
          const objects = await scanObsFolder(root.path, location("obs://bucket/q/"));
          expect(objects.map((o) => o.key)).toEqual(usable.map((key) => `q/${key}`).sort());
        } finally {
          await root.dispose();
        }
      }),
      { numRuns: 40 },
    );
  });
});
