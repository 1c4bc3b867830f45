// The pinned SHA-256 of the openapi-generator jar (scripts/lib/generator-jar.mjs): a jar
// with other content is rejected and deleted, whether cached or just fetched. No network:
// the repository's own jar is checked by regen.test.ts, through ensureGeneratorJar.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  downloadWithWrapper,
  ensureGeneratorJar,
  JAR_SHA256,
  JarError,
  pinnedJarSha256,
  readGeneratorConfig,
  verifyJar,
  type GeneratorConfig,
} from "../../scripts/lib/generator-jar.mjs";

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

describe("openapi-generator jar checksum", () => {
  let tmp: string;
  const logs: string[] = [];
  const log = (m: string) => void logs.push(m);

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "regen-jar-test-"));
    logs.length = 0;
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A project root whose openapitools.json pins `version` with storageDir inside tmp. */
  function project(version: string): GeneratorConfig {
    fs.writeFileSync(
      path.join(tmp, "openapitools.json"),
      JSON.stringify({ "generator-cli": { version, storageDir: "jars" } }),
    );
    return readGeneratorConfig(tmp);
  }

  it("pins a SHA-256 for the version in openapitools.json", () => {
    const { version } = readGeneratorConfig();
    expect(pinnedJarSha256(version)).toMatch(/^[0-9a-f]{64}$/);
    expect(JAR_SHA256[version]).toBe(pinnedJarSha256(version));
  });

  it("refuses a version with no pinned SHA-256", () => {
    expect(() => pinnedJarSha256("0.0.1")).toThrow(/no SHA-256 pinned for openapi-generator-cli 0\.0\.1/);
    expect(() => pinnedJarSha256("toString")).toThrow(JarError);
  });

  it("rejects and deletes a jar with the wrong content", async () => {
    const jar = path.join(tmp, "7.25.0.jar");
    fs.writeFileSync(jar, "not the generator");
    await expect(verifyJar(jar, "7.25.0")).rejects.toThrow(
      new RegExp(`has SHA-256 ${sha256("not the generator")}, expected ${JAR_SHA256["7.25.0"]}.*removed it`),
    );
    expect(fs.existsSync(jar)).toBe(false);
  });

  it("accepts a file whose SHA-256 matches the pin, and keeps it", async () => {
    const jar = path.join(tmp, "1.2.3.jar");
    fs.writeFileSync(jar, "pinned content");
    await expect(verifyJar(jar, "1.2.3", { pins: { "1.2.3": sha256("pinned content") } })).resolves.toBe(sha256("pinned content"));
    expect(fs.existsSync(jar)).toBe(true);
  });

  it("rejects and deletes a wrong jar whatever path fetched it, and tries the next one", async () => {
    const cfg = project("7.25.0");
    const calls: string[] = [];
    const writeWrong = (name: string) => (c: GeneratorConfig) => {
      calls.push(name);
      fs.mkdirSync(c.storageDir, { recursive: true });
      fs.writeFileSync(c.jarPath, `tampered by ${name}`);
      return true;
    };
    await expect(
      ensureGeneratorJar({ root: tmp, log, fetchers: [["npm wrapper", writeWrong("wrapper")], ["Maven", writeWrong("maven")]] }),
    ).rejects.toThrow(/npm wrapper: .*has SHA-256 [0-9a-f]{64}, expected[^]*Maven: .*has SHA-256 [0-9a-f]{64}, expected/);
    expect(calls).toEqual(["wrapper", "maven"]);
    expect(fs.existsSync(cfg.jarPath)).toBe(false);
  });

  it("rejects a wrong cached jar, deletes it and fetches again", async () => {
    const cfg = project("7.25.0");
    fs.mkdirSync(cfg.storageDir, { recursive: true });
    fs.writeFileSync(cfg.jarPath, "truncated download");
    let fetched = 0;
    await expect(
      ensureGeneratorJar({
        root: tmp,
        log,
        fetchers: [
          [
            "test",
            () => {
              fetched++;
              expect(fs.existsSync(cfg.jarPath)).toBe(false); // the bad one is gone before the refetch
              return false;
            },
          ],
        ],
      }),
    ).rejects.toThrow(/could not get openapi-generator 7\.25\.0[^]*test: no jar/);
    expect(fetched).toBe(1);
    expect(logs.join("\n")).toMatch(/cached jar rejected: .*SHA-256/);
    expect(fs.existsSync(cfg.jarPath)).toBe(false);
  });

  it("refuses an unpinned version before downloading anything", async () => {
    project("7.99.0");
    let fetched = 0;
    await expect(
      ensureGeneratorJar({ root: tmp, log, fetchers: [["test", () => (fetched++, true)]] }),
    ).rejects.toThrow(/no SHA-256 pinned for openapi-generator-cli 7\.99\.0/);
    expect(fetched).toBe(0);
  });

  it("runs the npm wrapper in the config's root, where storageDir was resolved", () => {
    const cfg = project("7.25.0");
    // Stands in for the wrapper's main.js: records where it ran and with what.
    const main = path.join(tmp, "fake-wrapper.mjs");
    const seen = path.join(tmp, "seen.json");
    fs.writeFileSync(
      main,
      `import fs from "node:fs";\n` +
        `fs.writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ cwd: process.cwd(), pwd: process.env.PWD, args: process.argv.slice(2) }));\n`,
    );
    expect(downloadWithWrapper(cfg, log, { main })).toBe(false); // the stand-in fetches nothing
    expect(JSON.parse(fs.readFileSync(seen, "utf8"))).toEqual({
      cwd: fs.realpathSync(tmp),
      pwd: tmp,
      args: ["--openapitools", path.join(tmp, "openapitools.json"), "version"],
    });
    expect(cfg.root).toBe(tmp);
    expect(logs.join("\n")).toContain(`npm wrapper did not produce ${cfg.jarPath}`);
  });
});
