/**
 * The type-level checks of ./wiring.ts, shown from the other side: with its @ts-expect-error
 * directives removed, the compiler reports an error on each of those lines (a miswired
 * operation or helper fails `tsc`), and on no other.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const file = path.join(root, "test/types/wiring.ts");

describe("wiring a helper to the wrong operation", () => {
  it("fails tsc on every marked line and nowhere else", () => {
    const original = readFileSync(file, "utf8");
    const lines = original.split("\n");
    const marked = lines.flatMap((line, i) => (line.includes("// @ts-expect-error") ? [i + 1] : []));
    expect(marked.length).toBeGreaterThanOrEqual(5);
    // Each directive becomes an empty comment, so line numbers stay; the error is on the next line.
    const stripped = lines.map((line) => line.replace("// @ts-expect-error", "//")).join("\n");
    const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const host = ts.createCompilerHost(config.options);
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => (path.resolve(name) === file ? stripped : readFile(name));
    const program = ts.createProgram({ rootNames: [file], options: { ...config.options, noEmit: true }, host });
    const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file !== undefined && path.resolve(d.file.fileName) === file);
    const errorLines = new Set(errors.map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1));
    expect([...errorLines].sort((a, b) => a - b)).toEqual(marked.map((line) => line + 1));
  }, 60_000);
});
