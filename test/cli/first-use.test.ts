/**
 * The command line on first use, run as a shell runs the built CLI: a missing config says what
 * to run, an unknown command gets a suggestion, `help emulator` is the emulator's real usage,
 * every error line starts with "error:", and a sync that is already running points at --wait.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { cli, jsonOf } from "./run.js";

let emptyHome: string;
beforeAll(async () => {
  emptyHome = await mkdtemp(join(tmpdir(), "modelarts-cli-first-use-"));
});
afterAll(async () => {
  await rm(emptyHome, { recursive: true, force: true });
});

test("with no config at all, a service command says which command and environment variables set one up, in CLI terms", async () => {
  const result = await cli(["sync-status", "-j", "282"], { env: { HOME: emptyHome } });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^error: no config file at .*config\.yaml/);
  expect(result.stderr).toContain("--endpoint or --region");
  expect(result.stderr).not.toContain("option credentials");
  expect(result.stderr).toContain("modelarts-annotations config set-context <name> --region <region> --project-id <id> --ak <ak> --sk -");
  expect(result.stderr).toContain("HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK");
  const json = await cli(["sync-status", "-j", "282", "--json"], { env: { HOME: emptyHome } });
  expect(jsonOf(json)).toMatchObject({ is_success: false, error_code: "INVALID_CONFIG", error_msg: expect.not.stringContaining("option credentials") });
});

test.each([
  ["sync", ["sync-obs", "sync-status"]],
  ["imgaes", ["images"]],
  ["tag", ["image-tags", "tags", "tag-stats"]],
])("an unknown command %s: exit 2 and a suggestion", async (typed, suggested) => {
  const result = await cli([typed, "-j", "282"], { env: { HOME: emptyHome } });
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toBe(`error: unknown command '${typed}'\nDid you mean ${suggested.join(" or ")}?\nRun "modelarts-annotations --help" for the commands.\n`);
});

test("an unknown command with --json still prints one JSON document", async () => {
  const result = await cli(["sync", "--json"], { env: { HOME: emptyHome } });
  expect(jsonOf(result)).toEqual({ is_success: false, error_code: "USAGE", error_msg: "unknown command 'sync'" });
});

test("help emulator prints what emulator --help prints", async () => {
  const viaHelp = await cli(["help", "emulator"], { env: { HOME: emptyHome } });
  const viaOption = await cli(["emulator", "--help"], { env: { HOME: emptyHome } });
  expect(viaOption.stdout).toContain("--obs-root <dir>");
  expect(viaHelp).toEqual(viaOption);
});

test("help <command> equals <command> --help for the service commands", async () => {
  for (const command of ["sync-obs", "images", "delete-images"]) {
    expect(await cli(["help", command], { env: { HOME: emptyHome } })).toEqual(await cli([command, "--help"], { env: { HOME: emptyHome } }));
  }
});

test("usage errors of the emulator command start with error: like every other error", async () => {
  const result = await cli(["emulator", "--port", "x", "--obs-root", emptyHome], { env: { HOME: emptyHome } });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^error: --port must be a whole number/);
});
