/**
 * The emulator as a gateway that cannot be walked out of: a job's OBS folder is resolved to its
 * real path and refused outside obsRoot (symbolic links at the bucket or prefix level included),
 * and a request the headers already refuse is answered before its body is read, so 40
 * concurrent unauthenticated 11 MB uploads cost the emulator next to no memory.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorJob } from "../../src/emulator/index.js";
import { TEST_PROJECT_ID, useEmulator } from "../support/emulator.js";
import { FAKE_JPEG } from "../support/images.js";

const job = (id: string, dataPath: string): EmulatorJob => ({ id, name: `job-${id}`, data_path: dataPath, project_id: TEST_PROJECT_ID, type: 0 });
const JOBS = [job("401", "obs://bktlink/"), job("402", "obs://bucket/outlink/"), job("403", "obs://bucket/inlink/"), job("404", "obs://bucket/real/")];

const outside: string[] = [];
afterEach(async () => {
  for (const dir of outside.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("symbolic links out of obsRoot", () => {
  const env = useEmulator({ jobs: JOBS, folders: ["bucket/real", "bucket/real/sub"], objects: { "bucket/real/a.jpg": FAKE_JPEG } });

  async function listing(id: string): Promise<string[]> {
    const { data } = await env().client.GET("/v1/{project_id}/data-annotations/{data_annotation_id}/images", {
      params: { path: { project_id: TEST_PROJECT_ID, data_annotation_id: id }, query: { tag_name: "__none__", per_page: 100 } },
    });
    return (data?.images ?? []).map((image) => image.url);
  }

  it("a bucket or a prefix that links outside is refused: the sync fails and nothing outside is listed", async () => {
    const secret = await mkdtemp(join(tmpdir(), "modelarts-outside-"));
    outside.push(secret);
    await writeFile(join(secret, "SECRET-outside.png"), FAKE_JPEG);
    const root = env().obs.path;
    await symlink(secret, join(root, "bktlink"));
    await symlink(secret, join(root, "bucket", "outlink"));
    for (const id of ["401", "402"]) {
      expect(await env().syncAndWait(id)).toBe(2);
      expect(await listing(id)).toEqual([]);
    }
  });

  it("a link at the prefix level that stays inside obsRoot is followed; links below the prefix are not", async () => {
    const root = env().obs.path;
    await symlink(join(root, "bucket", "real"), join(root, "bucket", "inlink"));
    const secret = await mkdtemp(join(tmpdir(), "modelarts-outside-"));
    outside.push(secret);
    await writeFile(join(secret, "SECRET-outside.png"), FAKE_JPEG);
    await symlink(join(secret, "SECRET-outside.png"), join(root, "bucket", "real", "file-link.png"));
    await symlink(secret, join(root, "bucket", "real", "sub", "dir-link"));
    expect(await env().syncAndWait("403")).toBe(1);
    expect(await listing("403")).toEqual(["obs://bucket/inlink/a.jpg"]);
    expect(await env().syncAndWait("404")).toBe(1);
    expect(await listing("404")).toEqual(["obs://bucket/real/a.jpg"]);
  });
});

describe("authentication before the body", () => {
  const TSX = createRequire(import.meta.url).resolve("tsx");

  /** Resident memory of `pid` now, and its peak so far, in bytes (Linux /proc). */
  async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)![1]) * 1024;
    return { rss: kb("VmRSS"), peak: kb("VmHWM") };
  }

  /**
   * An unauthenticated PUT of `size` bytes; resolves to the answer's status, or to the error code
   * when the emulator's close after its 401 broke the upload before the client read the answer.
   */
  function unauthenticatedPut(url: string, size: number, headers: Record<string, string>): Promise<number | string> {
    return new Promise((resolve, reject) => {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const req = request(`${url}/v1/${TEST_PROJECT_ID}/data-annotations/1/images`, {
        method: "PUT",
        headers: { "content-type": "application/json", "content-length": String(size), ...headers },
      });
      let status: number | undefined;
      req.on("response", (res) => {
        status = res.statusCode;
        res.resume();
        res.on("end", () => resolve(status!));
      });
      // The emulator closes the connection after its 401, while the body is still being written.
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (status !== undefined) resolve(status);
        else if (error.code === "EPIPE" || error.code === "ECONNRESET") resolve(error.code);
        else reject(error);
      });
      let sent = 0;
      const pump = (): void => {
        while (sent < size) {
          sent += chunk.length;
          if (!req.write(sent > size ? chunk.subarray(0, chunk.length - (sent - size)) : chunk)) {
            req.once("drain", pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
  }

  it("an unauthenticated upload is answered 401 while most of its body has not been sent", async () => {
    const child = spawn(process.execPath, ["--import", TSX, "test/emulator/fixtures/emulator-process.ts"], { stdio: ["pipe", "pipe", "inherit"] });
    try {
      const url = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once("line", resolve));
      const answer = await new Promise<{ status: number | undefined; connection: string | undefined }>((resolve) => {
        const req = request(`${url}/v1/${TEST_PROJECT_ID}/data-annotations/1/images`, {
          method: "PUT",
          headers: { "content-type": "application/json", "content-length": String(11 * 1024 * 1024), "x-auth-token": "not-a-token" },
        });
        req.on("response", (res) => {
          res.resume();
          resolve({ status: res.statusCode, connection: res.headers.connection });
          req.destroy();
        });
        req.on("error", () => {});
        // One chunk of the 11 MB, then nothing: a server that read the body first would wait for the rest.
        req.write(Buffer.alloc(64 * 1024, 0x20));
      });
      expect(answer).toEqual({ status: 401, connection: "close" });
    } finally {
      child.stdin!.end();
      await new Promise((resolve) => child.once("exit", resolve));
    }
  }, 30_000);

  it("40 concurrent unauthenticated 11 MB bodies raise the emulator's memory by less than 50 MB", async () => {
    const child = spawn(process.execPath, ["--import", TSX, "test/emulator/fixtures/emulator-process.ts"], { stdio: ["pipe", "pipe", "inherit"] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once("line", resolve);
        child.once("exit", (code) => reject(new Error(`the emulator exited with ${code}`)));
      });
      const before = await memoryOf(child.pid!);
      const kinds: Record<string, string>[] = [
        {}, // no Authorization at all
        { "x-auth-token": "not-a-token" },
        { authorization: "SDK-HMAC-SHA256 Access=NOSUCHKEY, SignedHeaders=host;x-sdk-date, Signature=00", "x-sdk-date": "20261201T000000Z" },
        { authorization: "garbage" },
      ];
      const size = 11 * 1024 * 1024;
      const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => unauthenticatedPut(url, size, kinds[i % kinds.length]!)));
      const after = await memoryOf(child.pid!);
      // Each upload was answered 401, or cut off by the close that follows the 401.
      expect(statuses.every((s) => s === 401 || s === "EPIPE" || s === "ECONNRESET")).toBe(true);
      expect(statuses).toContain(401);
      const growthMB = (after.peak - before.rss) / 1e6;
      console.log(`emulator RSS ${(before.rss / 1e6).toFixed(0)} MB before, peak ${(after.peak / 1e6).toFixed(0)} MB after 40 x 11 MB unauthenticated PUTs: +${growthMB.toFixed(1)} MB`);
      expect(growthMB).toBeLessThan(50);
    } finally {
      child.stdin!.end();
      await new Promise((resolve) => child.once("exit", resolve));
    }
  }, 60_000);
});
