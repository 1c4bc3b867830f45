/**
 * Usage, configuration and network errors: exit codes 2 and 3, run as a child process against the emulator
 * (see fixture.ts): stdout, stderr and exit codes, --json output parsed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { useCliEmulator } from "./fixture.js";
import { cli as spawnCli, jsonOf } from "./run.js";

const cli = useCliEmulator();

describe("configuration, usage and network errors", () => {
  test("a job ID the spec does not allow is a usage error, with nothing sent", async () => {
    const { result, requests } = await cli().requestsDuring(["sync-obs", "-j", "not-a-number"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid parameter 'data_annotation_id'");
    expect(requests).toBe(0);
  });

  test("no credentials anywhere is a usage error naming what is missing", async () => {
    const emptyHome = await mkdtemp(join(tmpdir(), "modelarts-cli-empty-home-"));
    try {
      const result = await spawnCli(["tags", "-j", "282", "--endpoint", cli().emulator.url], { env: { HOME: emptyHome } });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: .*credentials/m);
      const named = await spawnCli(["tags", "-j", "282"], { env: { HOME: emptyHome, MODELARTS_CONFIG: join(emptyHome, "none.yaml") } });
      expect(named.code).toBe(2);
      expect(named.stderr).toContain(`config file ${join(emptyHome, "none.yaml")} (named by MODELARTS_CONFIG) does not exist`);
    } finally {
      await rm(emptyHome, { recursive: true, force: true });
    }
  });

  test("an unknown context lists the ones the file has", async () => {
    const result = await cli().run(["tags", "-j", "282", "--context", "prod"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("prod");
    expect(result.stderr).toContain("test");
  });

  test("no answer (nothing listens) exits 3", async () => {
    const result = await cli().run(["sync-status", "-j", "282", "--endpoint", "http://127.0.0.1:9", "--json"]);
    expect(result.code).toBe(3);
    expect(jsonOf(result)).toMatchObject({ is_success: false, error_code: "NETWORK_ERROR" });
  });

  test("the flags beat the context: --project-id and --endpoint", async () => {
    const other = await cli().run(["tags", "-j", "282", "--project-id", "another0project", "--json"]);
    expect(jsonOf(other)).toMatchObject({ error_code: "ModelArts.4338" });
    const direct = await cli().run(["tags", "-j", "282", "--endpoint", cli().emulator.url, "--json"]);
    expect(jsonOf(direct)).toMatchObject({ is_success: true });
  });

  test("unknown commands and options exit 2 with a hint", async () => {
    const unknown = await cli().run(["retag"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'retag'");
    const option = await cli().run(["tags", "-j", "282", "--colour"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--colour'");
    const missing = await cli().run(["tags"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '-j, --data-annotation-id <id>' not specified");
  });

  test("--json promises one document even for mistakes commander catches", async () => {
    for (const args of [
      ["images", "-j", "282", "--page", "two", "--json"],
      ["images", "--json"],
      ["tags", "-j", "282", "--json", "--bogus"],
      ["sync-obs", "-j", "282", "--timeout", "5", "--json"],
    ]) {
      const result = await cli().run(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(jsonOf(result), args.join(" ")).toMatchObject({ is_success: false, error_code: expect.stringMatching(/^USAGE$/), error_msg: expect.any(String) });
    }
  });

  test("a mistyped option never echoes its value, which may be a secret", async () => {
    for (const [typo, shown] of [
      ["--tokn=TOKSECRET-0001", "'--tokn…'"],
      ["-sTOKSECRET-0001", "'-s…'"],
      ["--tokn TOKSECRET-0001", "'--tokn…'"],
      ["--bogus=se'TOKSECRET-0001", "'--bogus…'"],
    ] as const) {
      const result = await cli().run(["config", "set-context", "dev", "--ak", "AK", typo, "--json"]);
      expect(result.code, typo).toBe(2);
      expect(result.stderr).toContain(`unknown option ${shown}`);
      expect(result.stderr + result.stdout).not.toContain("TOKSECRET");
    }
  });

  test("anything else (here: an emulator whose port is taken) exits 70", async () => {
    const result = await cli().run(["emulator", "--obs-root", cli().home, "--port", String(cli().emulator.emulator.port)]);
    expect(result.code).toBe(70);
    expect(result.stderr).toContain("EADDRINUSE");
  });
});
