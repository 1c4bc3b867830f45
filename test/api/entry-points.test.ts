/**
 * The client entry must not pull in server code: a browser bundle or a Lambda that imports the
 * client should not carry node:http, openapi-backend or the emulator. Walks the static import
 * graph of src/index.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    // TypeScript's own scanner finds every import form: static, re-export, side-effect, dynamic.
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith(".")) {
        packages.add(specifier);
        continue;
      }
      const target = path.resolve(path.dirname(file), specifier);
      if (target.endsWith(".js")) {
        const source = target.replace(/\.js$/, ".ts");
        pending.push(existsSync(source) ? source : target.replace(/\.js$/, ".d.ts"));
      } else if (target.endsWith(".json")) files.add(target);
    }
  }
  return { files, packages };
}

describe("entry points", () => {
  it("the client entry reaches no emulator or server code", () => {
    const { files, packages } = importGraph(path.join(root, "src/index.ts"));
    const relative = [...files].map((f) => path.relative(root, f));
    expect(relative).toContain("src/api/client.ts");
    expect(relative.filter((f) => f.startsWith("src/emulator/") || f.startsWith("src/cli/"))).toEqual([]);
    const allowed = new Set(["ajv", "openapi-fetch", "yaml", "node:crypto", "node:fs", "node:module", "node:os", "node:path", "node:util"]);
    expect([...packages].filter((p) => !allowed.has(p))).toEqual([]);
    for (const serverOnly of ["node:http", "node:net", "openapi-backend"]) expect(packages.has(serverOnly)).toBe(false);
  });

  it("the emulator entry exists beside it", () => {
    const { files } = importGraph(path.join(root, "src/emulator/index.ts"));
    expect([...files].some((f) => f.endsWith("src/emulator/server.ts"))).toBe(true);
  });
});
