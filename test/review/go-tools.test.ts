import { mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GO_TOOLS, GoToolError, ensureGoTool, readBuildInfo } from "../../scripts/lib/go-tools.mjs";

describe("scripts/lib/go-tools.mjs", () => {
  const scratch: string[] = [];
  afterAll(async () => {
    await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("installs each pinned tool whose build info names the pinned module, version and h1: hash", () => {
    for (const [name, pin] of Object.entries(GO_TOOLS)) {
      const binary = ensureGoTool(name);
      expect(readBuildInfo(binary)).toEqual({ module: pin.module, version: pin.version, sum: pin.sum });
    }
  }, 600_000);

  it("refuses to build a module whose hash differs from the pin, and leaves no binary", async () => {
    const toolsBin = join(await mkdtemp(join(tmpdir(), "go-tools-")), "bin");
    scratch.push(join(toolsBin, ".."));
    const pins = { actionlint: { ...GO_TOOLS.actionlint, sum: "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" } };
    expect(() => ensureGoTool("actionlint", { toolsBin, pins })).toThrow(GoToolError);
    expect(() => ensureGoTool("actionlint", { toolsBin, pins })).toThrow(
      /module hash h1:vQ4GeJN86C0QH\+gTUQcs8McmK62OLT3kmakPMtEWYnY= does not match the pinned h1:AAAA/,
    );
    expect(existsSync(join(toolsBin, "actionlint"))).toBe(false);
  }, 120_000);

  it("names the known tools when asked for an unknown one", () => {
    expect(() => ensureGoTool("golangci-lint")).toThrow('no pinned Go tool named "golangci-lint" (known: oasdiff, actionlint)');
  });
});
