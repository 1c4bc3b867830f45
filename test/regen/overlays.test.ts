// The overlays' own unit tests (Go's signing_test.go, Java's AkSkSignerTest.java) must check the
// same published vectors as the TypeScript and Python signers: the fixture is the one list.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { vectors } = JSON.parse(fs.readFileSync(path.join(ROOT, "test", "regen", "fixtures", "signing-vectors.json"), "utf8")) as {
  vectors: { name: string; url: string; authorization: string }[];
};

describe("overlay unit tests use the published vectors", () => {
  it.each([
    ["go", "regen/overlays/go/signing_test.go"],
    ["java", "regen/overlays/java/src/test/java/com/example/modelarts/annotations/signing/AkSkSignerTest.java"],
  ])("%s: %s", (_, file) => {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    for (const v of vectors) {
      expect(text, v.name).toContain(v.authorization);
      expect(text, v.name).toContain(v.url);
    }
  });
});
