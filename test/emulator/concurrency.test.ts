/**
 * Many syncs at once: scans of different jobs run concurrently, a job never runs two
 * (exactly one call per job is accepted while its scan runs),
 * and each job ends with exactly its folder's images.
 */
import { expect, test } from "vitest";
import type { EmulatorJob } from "../../src/emulator/index.js";
import { API } from "../support/client.js";
import { TEST_PROJECT_ID, useEmulator } from "../support/emulator.js";
import { FAKE_JPEG, tinyPng, type ObsObjects } from "../support/images.js";

const JOB_COUNT = 20;
const CALLS = 100;

const JOBS: EmulatorJob[] = Array.from({ length: JOB_COUNT }, (_, i) => ({ id: String(1000 + i), name: `job-${i}`, data_path: `obs://bucket/job-${i}/` }));
/** Job i holds i + 1 images (some nested, in both formats) and one file that is not an image. */
const imageCount = (i: number): number => i + 1;
const OBJECTS: ObsObjects = Object.fromEntries(
  JOBS.flatMap((_, i) => [
    ...Array.from({ length: imageCount(i) }, (_, n) => [`bucket/job-${i}/${n % 3 === 0 ? "nested/" : ""}img-${n}.${n % 2 === 0 ? "png" : "jpg"}`, n % 2 === 0 ? tinyPng() : FAKE_JPEG] as const),
    [`bucket/job-${i}/manifest.json`, "{}"] as const,
  ]),
);

// Long enough that all the calls for a job arrive while its first scan runs, even on a slow and
// busy machine (1 s was not: a hundred signed calls on two loaded cores can take longer).
const env = useEmulator({ jobs: JOBS, objects: OBJECTS, syncDelayMs: 5000 });

test(`${CALLS} parallel sync_obs calls across ${JOB_COUNT} jobs: exactly one 202 per job, ModelArts.4355 for the rest, and every job ends synced with its folder's images`, async () => {
  const { client, tokenClient } = env();
  const calls = Array.from({ length: CALLS }, (_, n) => {
    const job = JOBS[n % JOB_COUNT] as EmulatorJob;
    // Both authentication paths, interleaved.
    const caller = n % 2 === 0 ? client : tokenClient;
    return caller.POST(API.sync, { params: { path: { project_id: TEST_PROJECT_ID, data_annotation_id: job.id } } }).then((result) => ({ job: job.id, result }));
  });
  const answers = await Promise.all(calls);

  // Every call lands while the first scan of its job runs (syncDelayMs keeps each in state 3
  // for five seconds), so each job accepts exactly one sync and refuses every other call.
  const accepted = new Map<string, number>(JOBS.map((job) => [job.id, 0]));
  let refused = 0;
  for (const { job, result } of answers) {
    const status = result.response.status;
    if (status === 202) {
      expect(result.data).toEqual({ is_success: true });
      accepted.set(job, (accepted.get(job) ?? 0) + 1);
    } else {
      expect([status, result.error?.error_code]).toEqual([400, "ModelArts.4355"]);
      refused++;
    }
  }
  expect(Object.fromEntries(accepted)).toEqual(Object.fromEntries(JOBS.map((job) => [job.id, 1])));
  expect(refused).toBe(CALLS - JOB_COUNT);

  await env().emulator.idle();
  const results = await Promise.all(
    JOBS.map(async (job, i) => {
      const path = { project_id: TEST_PROJECT_ID, data_annotation_id: job.id };
      const status = await client.GET(API.syncStatus, { params: { path } });
      const images = await client.GET(API.images, { params: { path, query: { tag_name: "__none__", per_page: 100 } } });
      return { job: job.id, status: status.data?.sync_status, count: images.data?.total, expected: imageCount(i) };
    }),
  );
  for (const { job, status, count, expected } of results) expect({ job, status, count }).toEqual({ job, status: 1, count: expected });
});
