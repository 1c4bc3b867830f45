/**
 * The emulator the CLI tests run against: jobs for each command, a config file whose current
 * context points at it, and a log of the requests it served (to show that bad arguments send
 * nothing). One per test file, so the files run in parallel without sharing state.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { stringify } from "yaml";
import type { EmulatorAnnotationJob, EmulatorJob } from "../../src/emulator/index.js";
import { imageIdOf } from "../../src/emulator/obs.js";
import { TEST_AK, TEST_PROJECT_ID, TEST_SK, withEmulator, type EmulatorFixture } from "../support/emulator.js";
import { tinyPng } from "../support/images.js";
import { cli, type CliRun, type CliRunOptions } from "./run.js";

export const JOBS: EmulatorJob[] = [
  { id: "282", name: "cats", data_path: "obs://bucket/cats/", project_id: TEST_PROJECT_ID, type: 0 },
  { id: "283", name: "many", data_path: "obs://bucket/many/", type: 0 },
  { id: "284", name: "retag", data_path: "obs://bucket/retag/", type: 0 },
  // Images that `call` deletes (every-operation.test.ts), apart from those of 284 that the other commands delete.
  { id: "285", name: "calls", data_path: "obs://bucket/calls/", type: 0 },
  { id: "290", name: "boxes", data_path: "obs://bucket/boxes/", type: 1 },
  { id: "291", name: "gone", data_path: "obs://bucket/not-there/", type: 0 },
  // Never synced by the fixture: a sync of it shows that sync-obs did the work.
  { id: "286", name: "fresh", data_path: "obs://bucket/fresh/", type: 0 },
];
/** The annotation job (validation --job-id) over the boxes job, 290. */
export const BOXES_REVIEW = "5b0e3c1e-8f4a-4d2b-9c6e-2a7d9f01b290";
export const ANNOTATION_JOBS: EmulatorAnnotationJob[] = [{ id: BOXES_REVIEW, data_annotation_id: "290" }];
export const MANY = 25;
export const cat = (name: string) => imageIdOf("bucket", `cats/${name}`);
export const retag = (name: string) => imageIdOf("bucket", `retag/${name}`);
export const called = (name: string) => imageIdOf("bucket", `calls/${name}`);
export const box = imageIdOf("bucket", "boxes/x.png");

export interface CliFixture {
  emulator: EmulatorFixture;
  /** A HOME of the test's own, holding config.yaml. */
  home: string;
  /** One line per request the emulator served. */
  served: string[];
  /** Runs the command with MODELARTS_CONFIG set to the fixture's file. */
  run(args: string[], options?: CliRunOptions): Promise<CliRun>;
  /** Runs the command and counts the requests the emulator served meanwhile. */
  requestsDuring(args: string[], options?: CliRunOptions): Promise<{ result: CliRun; requests: number }>;
}

const isRequest = (line: string) => / (GET|POST|PUT|DELETE) \/v1\//.test(line);

/** `syncDelayMs`: how long each sync stays "syncing"; default 0, and then the jobs start synced. */
export function useCliEmulator({ syncDelayMs = 0 }: { syncDelayMs?: number } = {}): () => CliFixture {
  let fixture: CliFixture | undefined;
  beforeAll(async () => {
    const objects: Record<string, Uint8Array> = {
      "bucket/cats/a.png": tinyPng(),
      "bucket/cats/b.png": tinyPng(),
      "bucket/cats/c.jpg": tinyPng(),
      "bucket/retag/one.png": tinyPng(),
      "bucket/retag/two.png": tinyPng(),
      "bucket/retag/three.png": tinyPng(),
      "bucket/calls/one.png": tinyPng(),
      "bucket/calls/two.png": tinyPng(),
      "bucket/calls/three.png": tinyPng(),
      "bucket/boxes/x.png": tinyPng(100, 80),
      "bucket/fresh/one.png": tinyPng(),
      "bucket/fresh/two.png": tinyPng(),
    };
    for (let i = 0; i < MANY; i++) objects[`bucket/many/img-${String(i).padStart(3, "0")}.png`] = tinyPng();
    const served: string[] = [];
    const emulator = await withEmulator({ jobs: JOBS, annotationJobs: ANNOTATION_JOBS, objects, syncDelayMs, logger: (line) => served.push(line) });
    const home = await mkdtemp(join(tmpdir(), "modelarts-cli-home-"));
    const config = join(home, "config.yaml");
    const context = { name: "test", endpoint: emulator.url, project_id: TEST_PROJECT_ID, credentials: { ak: TEST_AK, sk: TEST_SK } };
    await writeFile(config, stringify({ "current-context": "test", contexts: [context] }), { mode: 0o600 });
    const env = { HOME: home, MODELARTS_CONFIG: config };
    // Slow syncs are for watching the syncing state; such a fixture starts with nothing synced.
    if (syncDelayMs === 0) for (const id of ["282", "283", "284", "285", "290"]) expect(await emulator.syncAndWait(id)).toBe(1);
    const run = (args: string[], options: CliRunOptions = {}) => cli(args, { ...options, env: { ...env, ...options.env } });
    fixture = {
      emulator,
      home,
      served,
      run,
      async requestsDuring(args, options) {
        const before = served.filter(isRequest).length;
        const result = await run(args, options);
        return { result, requests: served.filter(isRequest).length - before };
      },
    };
  });
  afterAll(async () => {
    await fixture?.emulator.close();
    if (fixture) await rm(fixture.home, { recursive: true, force: true });
  });
  return () => {
    if (fixture === undefined) throw new Error("the CLI fixture is only available inside a test");
    return fixture;
  };
}
