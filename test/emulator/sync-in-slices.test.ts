/**
 * A scan reads folders and headers in short synchronous slices; between them the server must
 * go on answering. With syncDelayMs 0 nothing else holds state 3, so polls that see 3 while a
 * folder of 20,000 files is read show that requests are served during the scan itself, and the
 * scan then ends with every image and its size.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { EmulatorJob } from "../../src/emulator/index.js";
import { API } from "../support/client.js";
import { TEST_PROJECT_ID, useEmulator } from "../support/emulator.js";
import { tinyPng } from "../support/images.js";

const JOB: EmulatorJob = { id: "315", name: "slices", data_path: "obs://bucket/many/", project_id: TEST_PROJECT_ID, type: 1 };
const FILES = 20_000;

describe("a long scan", () => {
  const env = useEmulator({ jobs: [JOB], syncDelayMs: 0 });

  test("sync_obs_status answers 3 while the files are read, then 1 with every image sized", async () => {
    const fixture = env();
    const png = tinyPng(3, 5);
    for (let folder = 0; folder < FILES / 1000; folder++) {
      const dir = join(fixture.obs.path, "bucket", "many", `part-${folder}`);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < 1000; i++) writeFileSync(join(dir, `img-${i}.png`), png);
    }
    const path = { project_id: TEST_PROJECT_ID, data_annotation_id: JOB.id };
    const started = await fixture.client.POST(API.sync, { params: { path } });
    expect(started.response.status).toBe(202);
    const seen: number[] = [];
    for (;;) {
      const { data } = await fixture.client.GET(API.syncStatus, { params: { path } });
      seen.push(data!.sync_status);
      if (data!.sync_status !== 3) break;
    }
    expect(seen[0]).toBe(3);
    expect(seen.at(-1)).toBe(1);
    const images = fixture.emulator.job(JOB.id)!.images;
    expect(images).toHaveLength(FILES);
    expect(images.every((image) => image.size?.[0] === 3 && image.size[1] === 5)).toBe(true);
  });
});
