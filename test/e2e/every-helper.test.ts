/**
 * Each of the eleven helpers of DataAnnotationsApi and LabelApi, end to end: createClient, the
 * signing transport, loopback HTTP, the emulator, and back to a result. For every operation: the
 * call that succeeds, then every answer the spec documents for it that a helper can meet.
 * The fixture checks every exchange against generated/openapi.json.
 *
 * The layout is one table per operation (TABLES) for what depends on the operation (its success,
 * its 400s, its oversized body, what it cannot meet and why), and one table (FAILURE_KINDS) for
 * what any call meets the same way (the gateway's 401/403, injected 429/500/503). The last suite
 * reads each operation's documented answers from the spec and fails when one is neither covered
 * here nor listed as unreachable with a reason, so a response the spec gains needs a case.
 *
 * Every failure is checked the same way: the result (`is_success: false`, code, message, status,
 * the answer's X-Request-Id), one request and no retry, and no change to any job.
 */
import { describe, expect, test } from "vitest";
import spec from "../../generated/openapi.json" with { type: "json" };
import { OPERATIONS as GENERATED_OPERATIONS } from "../../generated/operations.js";
import {
  createClient,
  DataAnnotationsApi,
  LabelApi,
  ModelArtsValidationError,
  type CredentialsInput,
  type OperationId,
} from "../../src/index.node.js";
import type { EmulatorJob } from "../../src/emulator/index.js";
import { imageIdOf } from "../../src/emulator/obs.js";
import { TEST_AK, TEST_PROJECT_ID, TEST_SK, TEST_TOKEN, useEmulator, type EmulatorFixture } from "../support/emulator.js";
import { tinyPng } from "../support/images.js";
import { publicApisFor } from "../support/public-client.js";

// ---------------------------------------------------------------------------
// The world every case starts from

const CATS: EmulatorJob = { id: "282", name: "cats", data_path: "obs://bucket/cats/", project_id: TEST_PROJECT_ID, description: "Cats", type: 0 };
const BOXES: EmulatorJob = { id: "290", name: "boxes", data_path: "obs://bucket/boxes/", type: 1 };
const JOBS = [CATS, BOXES];
const cat = (name: string) => imageIdOf("bucket", `cats/${name}`);
const [A, B, C] = [cat("a.png"), cat("b.png"), cat("c.jpg")];
const UNKNOWN_IMAGE = "0123456789abcdef0123456789abcdef";
const UNKNOWN_JOB = "999";
/** The annotation job (query_validation's job_id, a UUID) reviewing CATS. */
const CATS_REVIEW = "062ef90a-da4d-4af4-82ba-1523da57e78e";
/** A project the default AK/SK may act in (it is bound to none), where CATS is not visible. */
const ANOTHER_PROJECT = "another0project";
const OTHER_PROJECT_TOKEN = { token: "token-of-another-project-0001", project_id: "0a1b2c3d4e5f60718293a4b5c6d7e8f9" };
const EXPIRED_TOKEN = { token: "expired-token-0001", expires_at: 0 };
/** Small, so that a body of a few dozen image IDs is over the limit without building megabytes. */
const MAX_BODY_BYTES = 1024;

const FIXTURE = {
  jobs: JOBS,
  annotationJobs: [{ id: CATS_REVIEW, data_annotation_id: CATS.id }],
  objects: { "bucket/cats/a.png": tinyPng(), "bucket/cats/b.png": tinyPng(), "bucket/cats/c.jpg": tinyPng(), "bucket/boxes/x.png": tinyPng(100, 80) },
  credentials: [{ ak: TEST_AK, sk: TEST_SK }, { token: TEST_TOKEN }, OTHER_PROJECT_TOKEN, EXPIRED_TOKEN],
  maxBodyBytes: MAX_BODY_BYTES,
  syncDelayMs: 0,
};

interface Apis {
  das: DataAnnotationsApi;
  label: LabelApi;
}

const apisFor = publicApisFor;

/** CATS synced, with a.png tagged cat and c.jpg tagged cat and kitten; b.png untagged. */
async function tagCats(fixture: EmulatorFixture): Promise<void> {
  expect(await fixture.syncAndWait(CATS.id)).toBe(1);
  const { das } = apisFor(fixture);
  const images = [
    { image_id: A, tags: ["cat"] },
    { image_id: C, tags: ["cat", "kitten"] },
  ];
  expect(await das.modify_image_info({ data_annotation_id: CATS.id, body: { images } })).toEqual({ is_success: true });
}

/** IDs enough for a body over MAX_BODY_BYTES; valid by the spec (unique, well-formed, at most 1000). */
const MANY_IMAGES = Array.from({ length: 40 }, (_, i) => i.toString(16).padStart(32, "0"));

// ---------------------------------------------------------------------------
// Per operation

type Call = (apis: Apis) => Promise<unknown>;

interface BadRequestCase {
  code: string;
  name: string;
  /** Run first, and not checked for "nothing changed": it puts the job in the state the case needs. */
  before?: Call;
  call: Call;
  message: string | RegExp;
}

interface OperationTable {
  /** Most cases start from tagged CATS; sync_obs's start from a job never synced, with scans that do not end by themselves. */
  start: "tagged" | "never synced";
  /** A call the service accepts. The FAILURE_KINDS make this same call with other credentials or with a fault queued. */
  call: Call;
  /** The accepted call's result and what it changed. */
  success: (result: unknown, fixture: EmulatorFixture) => void;
  badRequests: BadRequestCase[];
  /** Breaks a constraint of the spec, so the helper refuses it before sending: what keeps the spec's 0104 from the wire. */
  invalid: { call: Call; parameter: string };
  /** The call with a body over MAX_BODY_BYTES; only operations with a request body have one. */
  oversized?: Call;
  /** Documented answers ("<status> <error code>") no helper call can get, each with the reason. */
  unreachable: Record<string, string>;
}

const BECAUSE = {
  onlySyncObs: "only sync_obs is refused while a sync runs (spec: sync_obs)",
  onlyModify: "only modify_image_info takes tags",
  noImage: "the operation takes no image ID",
  labelTask: "only query_validation (LabelApi) reports a missing job as a missing label task; the data-annotations operations answer 4338",
  notLabelTask: "query_validation reports a missing job as a missing label task, 4801",
  specOnly:
    "every check the emulator makes on this operation's arguments is a constraint of the spec, and the helper checks those before sending " +
    "(ModelArtsValidationError, see the 'refused before any request' case); raw requests reach it (test/emulator/api.test.ts)",
  noBody: "the operation has no request body and the helper sends none; the gateway limits bodies only (raw requests with a body reach it)",
};

const messageMatcher = (message: string | RegExp) => (typeof message === "string" ? message : expect.stringMatching(message));

const unknownJob = (call: (job: { data_annotation_id: string; project_id?: string }) => Call): BadRequestCase[] => [
  { code: "ModelArts.4338", name: "an unknown job", call: call({ data_annotation_id: UNKNOWN_JOB }), message: "The resource not exists" },
  {
    code: "ModelArts.4338",
    name: "a job of another project, which answers as an unknown one",
    call: call({ project_id: ANOTHER_PROJECT, data_annotation_id: CATS.id }),
    message: "The resource not exists",
  },
];

/** The unreachable entries of the operations that take no image, no tags, no body, and start no sync. */
const READ_ONLY_JOB_OPERATION: Record<string, string> = {
  "400 ModelArts.0104": BECAUSE.specOnly,
  "400 ModelArts.4801": BECAUSE.labelTask,
  "400 ModelArts.4420": BECAUSE.noImage,
  "400 ModelArts.4355": BECAUSE.onlySyncObs,
  "400 ModelArts.4820": BECAUSE.onlyModify,
  "413 ModelArts.4104": BECAUSE.noBody,
};

function without(entries: Record<string, string>, answer: string): Record<string, string> {
  const rest = { ...entries };
  delete rest[answer];
  return rest;
}

const TABLES: Record<OperationId, OperationTable> = {
  sync_obs: {
    start: "never synced",
    call: ({ das }) => das.sync_obs({ data_annotation_id: CATS.id }),
    success(result, fixture) {
      expect(result).toEqual({ is_success: true });
      expect(fixture.emulator.job(CATS.id)?.sync_status).toBe(3);
    },
    badRequests: [
      ...unknownJob((job) => ({ das }) => das.sync_obs(job)),
      {
        code: "ModelArts.4355",
        name: "a sync of the job is running",
        before: async ({ das }) => expect(await das.sync_obs({ data_annotation_id: CATS.id })).toEqual({ is_success: true }),
        call: ({ das }) => das.sync_obs({ data_annotation_id: CATS.id }),
        message: "Sync data source task exist",
      },
    ],
    invalid: { call: ({ das }) => das.sync_obs({ data_annotation_id: "cats" }), parameter: "data_annotation_id" },
    unreachable: without(READ_ONLY_JOB_OPERATION, "400 ModelArts.4355"),
  },

  sync_obs_status: {
    start: "tagged",
    call: ({ das }) => das.sync_obs_status({ data_annotation_id: CATS.id }),
    success: (result) => expect(result).toEqual({ is_success: true, sync_status: 1 }),
    badRequests: unknownJob((job) => ({ das }) => das.sync_obs_status(job)),
    invalid: { call: ({ das }) => das.sync_obs_status({ data_annotation_id: "" }), parameter: "data_annotation_id" },
    unreachable: READ_ONLY_JOB_OPERATION,
  },

  show_images_by_tag: {
    start: "tagged",
    call: ({ das }) => das.show_images_by_tag({ data_annotation_id: CATS.id, tag_name: "cat", per_page: 1, page: 2 }),
    success: (result) =>
      expect(result).toEqual({
        is_success: true,
        project_id: 282,
        project_name: "cats",
        project_desc: "Cats",
        project_type: 0,
        create_time: expect.any(Number),
        version_num: 0,
        data_path: "obs://bucket/cats/",
        versions: [],
        images: [{ image_id: C, url: "obs://bucket/cats/c.jpg", tags: ["cat", "kitten"], size: [2, 2] }],
        total: 2,
      }),
    badRequests: unknownJob((job) => ({ das }) => das.show_images_by_tag(job)),
    invalid: { call: ({ das }) => das.show_images_by_tag({ data_annotation_id: CATS.id, per_page: 101 }), parameter: "per_page" },
    unreachable: READ_ONLY_JOB_OPERATION,
  },

  modify_image_info: {
    start: "tagged",
    call: ({ das }) =>
      das.modify_image_info({
        data_annotation_id: CATS.id,
        body: {
          images: [
            { image_id: B, tags: ["dog"] },
            { image_id: A, tags: [] },
          ],
        },
      }),
    success(result, fixture) {
      expect(result).toEqual({ is_success: true });
      expect(fixture.emulator.job(CATS.id)?.images.map((image) => [image.image_id, image.tags])).toEqual([
        [A, []],
        [B, ["dog"]],
        [C, ["cat", "kitten"]],
      ]);
    },
    badRequests: [
      ...unknownJob((job) => ({ das }) => das.modify_image_info({ ...job, body: { images: [{ image_id: A, tags: ["dog"] }] } })),
      {
        code: "ModelArts.4420",
        name: "an unknown image after a known one (all or nothing)",
        call: ({ das }) =>
          das.modify_image_info({
            data_annotation_id: CATS.id,
            body: {
              images: [
                { image_id: B, tags: ["dog"] },
                { image_id: UNKNOWN_IMAGE, tags: ["dog"] },
              ],
            },
          }),
        message: `Sample not found: ${UNKNOWN_IMAGE}`,
      },
      {
        code: "ModelArts.4820",
        name: "a detection box in an image classification job",
        call: ({ das }) =>
          das.modify_image_info({ data_annotation_id: CATS.id, body: { images: [{ image_id: A, tags: [{ tag: "box", pos: [0, 0, 1, 1] }] }], size: [2, 2] } }),
        message: "Unsupported operation, label task type is image classification",
      },
      {
        code: "ModelArts.0104",
        name: "an image listed twice, which the spec cannot express",
        call: ({ das }) =>
          das.modify_image_info({
            data_annotation_id: CATS.id,
            body: {
              images: [
                { image_id: A, tags: ["dog"] },
                { image_id: A, tags: ["cat"] },
              ],
            },
          }),
        message: `Parameter error. images[1].image_id: ${A} is listed twice`,
      },
      {
        code: "ModelArts.0104",
        name: "the reserved tag name __none__",
        call: ({ das }) => das.modify_image_info({ data_annotation_id: CATS.id, body: { images: [{ image_id: A, tags: ["__none__"] }] } }),
        message: /^Parameter error\. images\[0\]\.tags\[0\]: __none__ is reserved/,
      },
    ],
    invalid: { call: ({ das }) => das.modify_image_info({ data_annotation_id: CATS.id, body: { images: [] } }), parameter: "body.images" },
    oversized: ({ das }) =>
      das.modify_image_info({ data_annotation_id: CATS.id, body: { images: MANY_IMAGES.map((image_id) => ({ image_id, tags: ["x"] })) } }),
    unreachable: { "400 ModelArts.4801": BECAUSE.labelTask, "400 ModelArts.4355": BECAUSE.onlySyncObs },
  },

  delete_selected_image: {
    start: "tagged",
    call: ({ das }) => das.delete_selected_image({ data_annotation_id: CATS.id, image_id: A }),
    success(result, fixture) {
      expect(result).toEqual({ is_success: true });
      expect(fixture.emulator.job(CATS.id)?.images.map((image) => image.image_id)).toEqual([B, C]);
    },
    badRequests: [
      ...unknownJob((job) => ({ das }) => das.delete_selected_image({ ...job, image_id: A })),
      {
        code: "ModelArts.4420",
        name: "an unknown image",
        call: ({ das }) => das.delete_selected_image({ data_annotation_id: CATS.id, image_id: UNKNOWN_IMAGE }),
        message: `Sample not found: ${UNKNOWN_IMAGE}`,
      },
    ],
    invalid: { call: ({ das }) => das.delete_selected_image({ data_annotation_id: CATS.id, image_id: "a/b" }), parameter: "image_id" },
    unreachable: {
      "400 ModelArts.0104": BECAUSE.specOnly,
      "400 ModelArts.4801": BECAUSE.labelTask,
      "400 ModelArts.4355": BECAUSE.onlySyncObs,
      "400 ModelArts.4820": BECAUSE.onlyModify,
      "413 ModelArts.4104": BECAUSE.noBody,
    },
  },

  delete_selected_images: {
    start: "tagged",
    call: ({ das }) => das.delete_selected_images({ data_annotation_id: CATS.id, body: { image_id: [C, A] } }),
    success(result, fixture) {
      expect(result).toEqual({ is_success: true });
      expect(fixture.emulator.job(CATS.id)?.images.map((image) => image.image_id)).toEqual([B]);
    },
    badRequests: [
      ...unknownJob((job) => ({ das }) => das.delete_selected_images({ ...job, body: { image_id: [A] } })),
      {
        code: "ModelArts.4420",
        name: "an unknown image after a known one (all or nothing)",
        call: ({ das }) => das.delete_selected_images({ data_annotation_id: CATS.id, body: { image_id: [A, UNKNOWN_IMAGE] } }),
        message: `Sample not found: ${UNKNOWN_IMAGE}`,
      },
    ],
    invalid: { call: ({ das }) => das.delete_selected_images({ data_annotation_id: CATS.id, body: { image_id: [A, A] } }), parameter: "body.image_id" },
    oversized: ({ das }) => das.delete_selected_images({ data_annotation_id: CATS.id, body: { image_id: MANY_IMAGES } }),
    unreachable: {
      "400 ModelArts.0104": BECAUSE.specOnly,
      "400 ModelArts.4801": BECAUSE.labelTask,
      "400 ModelArts.4355": BECAUSE.onlySyncObs,
      "400 ModelArts.4820": BECAUSE.onlyModify,
    },
  },

  get_image_info_by_id: {
    start: "tagged",
    call: ({ das }) => das.get_image_info_by_id({ data_annotation_id: CATS.id, image_id: C }),
    success: (result) => expect(result).toEqual({ is_success: true, image_id: C, tags: ["cat", "kitten"] }),
    badRequests: [
      ...unknownJob((job) => ({ das }) => das.get_image_info_by_id({ ...job, image_id: A })),
      {
        code: "ModelArts.4420",
        name: "an unknown image",
        call: ({ das }) => das.get_image_info_by_id({ data_annotation_id: CATS.id, image_id: UNKNOWN_IMAGE }),
        message: `Sample not found: ${UNKNOWN_IMAGE}`,
      },
    ],
    invalid: { call: ({ das }) => das.get_image_info_by_id({ data_annotation_id: CATS.id, image_id: "../x" }), parameter: "image_id" },
    unreachable: {
      "400 ModelArts.0104": BECAUSE.specOnly,
      "400 ModelArts.4801": BECAUSE.labelTask,
      "400 ModelArts.4355": BECAUSE.onlySyncObs,
      "400 ModelArts.4820": BECAUSE.onlyModify,
      "413 ModelArts.4104": BECAUSE.noBody,
    },
  },

  get_image_info_by_ids: {
    start: "tagged",
    call: ({ das }) => das.get_image_info_by_ids({ data_annotation_id: CATS.id, body: { image_id: [B, A] } }),
    success: (result) =>
      expect(result).toEqual({
        is_success: true,
        images_tags: [
          { image_id: B, tags: [] },
          { image_id: A, tags: ["cat"] },
        ],
      }),
    badRequests: [
      ...unknownJob((job) => ({ das }) => das.get_image_info_by_ids({ ...job, body: { image_id: [A] } })),
      {
        code: "ModelArts.4420",
        name: "an unknown image among known ones",
        call: ({ das }) => das.get_image_info_by_ids({ data_annotation_id: CATS.id, body: { image_id: [A, UNKNOWN_IMAGE, B] } }),
        message: `Sample not found: ${UNKNOWN_IMAGE}`,
      },
    ],
    invalid: { call: ({ das }) => das.get_image_info_by_ids({ data_annotation_id: CATS.id, body: { image_id: [] } }), parameter: "body.image_id" },
    oversized: ({ das }) => das.get_image_info_by_ids({ data_annotation_id: CATS.id, body: { image_id: MANY_IMAGES } }),
    unreachable: {
      "400 ModelArts.0104": BECAUSE.specOnly,
      "400 ModelArts.4801": BECAUSE.labelTask,
      "400 ModelArts.4355": BECAUSE.onlySyncObs,
      "400 ModelArts.4820": BECAUSE.onlyModify,
    },
  },

  query_tag_list: {
    start: "tagged",
    call: ({ das }) => das.query_tag_list({ data_annotation_id: CATS.id }),
    success: (result) => expect(result).toEqual({ is_success: true, tags: ["cat", "kitten"] }),
    badRequests: unknownJob((job) => ({ das }) => das.query_tag_list(job)),
    invalid: { call: ({ das }) => das.query_tag_list({ data_annotation_id: "1".repeat(20) }), parameter: "data_annotation_id" },
    unreachable: READ_ONLY_JOB_OPERATION,
  },

  get_tag_statistics: {
    start: "tagged",
    call: ({ das }) => das.get_tag_statistics({ data_annotation_id: CATS.id }),
    success: (result) =>
      expect(result).toEqual({
        is_success: true,
        tag_count: [
          { tag: "cat", count: 2 },
          { tag: "kitten", count: 1 },
        ],
        tags_stat: [
          { has_tag: true, count: 2 },
          { has_tag: false, count: 1 },
        ],
      }),
    badRequests: unknownJob((job) => ({ das }) => das.get_tag_statistics(job)),
    invalid: { call: ({ das }) => das.get_tag_statistics({ project_id: "a b", data_annotation_id: CATS.id }), parameter: "project_id" },
    unreachable: READ_ONLY_JOB_OPERATION,
  },

  query_validation: {
    start: "tagged",
    call: ({ label }) => label.query_validation({ job_id: CATS_REVIEW }),
    success: (result) =>
      expect(result).toEqual({
        is_success: true,
        image_count: 2,
        images: [
          { image_id: A, url: "obs://bucket/cats/a.png", tags: ["cat"] },
          { image_id: C, url: "obs://bucket/cats/c.jpg", tags: ["cat", "kitten"] },
        ],
        last_pass_rate: null,
        last_validation_time: null,
      }),
    badRequests: [
      {
        code: "ModelArts.4801",
        name: "an unknown annotation job",
        call: ({ label }) => label.query_validation({ job_id: "00000000-0000-4000-8000-000000000000" }),
        message: "The label task not exists",
      },
      {
        code: "ModelArts.4801",
        name: "the decimal ID of a data-annotation job, which names no annotation job",
        call: ({ label }) => label.query_validation({ job_id: CATS.id }),
        message: "The label task not exists",
      },
      {
        code: "ModelArts.4801",
        name: "an annotation job over a job of another project, which answers as an unknown one",
        call: ({ label }) => label.query_validation({ project_id: ANOTHER_PROJECT, job_id: CATS_REVIEW }),
        message: "The label task not exists",
      },
    ],
    invalid: { call: ({ label }) => label.query_validation({ job_id: "-282" }), parameter: "job_id" },
    unreachable: {
      "400 ModelArts.0104": BECAUSE.specOnly,
      "400 ModelArts.4338": BECAUSE.notLabelTask,
      "400 ModelArts.4420": BECAUSE.noImage,
      "400 ModelArts.4355": BECAUSE.onlySyncObs,
      "400 ModelArts.4820": BECAUSE.onlyModify,
      "413 ModelArts.4104": BECAUSE.noBody,
    },
  },
};

// ---------------------------------------------------------------------------
// What every call meets the same way

const example = (name: keyof typeof spec.components.examples) => spec.components.examples[name].value.error_msg;

interface FailureKind {
  name: string;
  status: number;
  code: string;
  message: (operationId: OperationId) => string;
  /** The client authenticates with these instead. */
  credentials?: CredentialsInput;
  /** Queued with injectFault for the operation before the call. */
  fault?: 429 | 500 | 503;
}

const FAILURE_KINDS: FailureKind[] = [
  { name: "a wrong SK", status: 401, code: "ModelArts.0208", message: () => example("SignatureInvalid"), credentials: { ak: TEST_AK, sk: "not-the-secret" } },
  { name: "an unknown AK", status: 401, code: "ModelArts.3801", message: () => "User credential (AK and SK) does not exist.", credentials: { ak: "NOSUCHACCESSKEY00", sk: TEST_SK } },
  { name: "an unknown token", status: 401, code: "ModelArts.0203", message: () => "Invalid Token header. Can't decode the Token.", credentials: { token: "not-a-token" } },
  { name: "an expired token", status: 401, code: "ModelArts.0202", message: () => "Invalid Token header. Token expired, please refresh it.", credentials: { token: EXPIRED_TOKEN.token } },
  { name: "a token bound to another project", status: 403, code: "ModelArts.0210", message: () => example("ProjectMismatch"), credentials: { token: OTHER_PROJECT_TOKEN.token } },
  // The spec's example is for sync_obs; the message names whichever API was throttled.
  { name: "an injected rate limit", status: 429, code: "ModelArts.4206", message: (op) => `Too many requests, reached api ${op}.`, fault: 429 },
  { name: "an injected internal error", status: 500, code: "ModelArts.6102", message: () => example("InternalError"), fault: 500 },
  { name: "an injected outage", status: 503, code: "ModelArts.4302", message: () => example("ServiceUnavailable"), fault: 503 },
];

/** Documented answers no helper of any operation can get. */
const NEVER_THROUGH_A_HELPER: Record<string, string> = {
  "404 ModelArts.4204": "answers a method and path the spec does not have; a helper calls only its operation's own path",
  "400 ModelArts.4105": "the helper writes the body itself with JSON.stringify (or sends none), so it cannot be malformed JSON",
  "401 ModelArts.0201": "an empty X-Auth-Token: createClient refuses an empty token",
  "401 ModelArts.0205": "no Authorization header: the client's transport signs every request",
  // The reference's error table gives these for 403 too; the emulator does not model them.
  "403 ModelArts.0203": "the emulator answers an invalid token with 401 ModelArts.0203 (covered above), the answer the reference's signature pages give",
  "403 ModelArts.0206": "temporary AK/SK obtained from a token (IAM) is not modelled by the emulator",
  "403 ModelArts.0108": "the emulator has no per-operation or OBS permissions to refuse",
};

// ---------------------------------------------------------------------------
// The cases

const OPERATION_IDS = Object.keys(TABLES) as OperationId[];

/** Runs one helper call, and returns its result with the exchanges it made. */
async function run(fixture: EmulatorFixture, apis: Apis, call: Call) {
  const before = fixture.contract.exchanges.length;
  const result = await call(apis);
  return { result, exchanges: fixture.contract.exchanges.slice(before) };
}

const snapshot = (fixture: EmulatorFixture) => JOBS.map((job) => fixture.emulator.job(job.id));

/** The one check of every failure: the result, one request and no retry, and nothing changed. */
async function expectFailure(fixture: EmulatorFixture, apis: Apis, call: Call, expected: { status: number; code: string; message: string | RegExp }) {
  const before = snapshot(fixture);
  const { result, exchanges } = await run(fixture, apis, call);
  expect(exchanges).toHaveLength(1);
  expect(result).toEqual({
    is_success: false,
    error_code: expected.code,
    error_msg: messageMatcher(expected.message),
    http_status: expected.status,
    request_id: exchanges[0]?.response.headers["x-request-id"],
  });
  expect((result as { request_id: unknown }).request_id).toMatch(/^[0-9a-f]{32}$/);
  // Taken at once: a sync the call started by mistake would show as state 3.
  expect(snapshot(fixture)).toEqual(before);
}

function operationOf(operationId: OperationId): { responses: Record<string, unknown> } {
  for (const item of Object.values(spec.paths)) {
    for (const operation of Object.values(item) as { operationId?: string; responses?: Record<string, unknown> }[]) {
      if (operation.operationId === operationId && operation.responses !== undefined) return { responses: operation.responses };
    }
  }
  throw new Error(`${operationId} is not in generated/openapi.json`);
}

const successStatus = (operationId: OperationId): number => Number(Object.keys(operationOf(operationId).responses).find((status) => status.startsWith("2")));

for (const operationId of OPERATION_IDS) {
  const table = TABLES[operationId];

  describe(operationId, () => {
    // sync_obs's cases watch state 3, so its scans wait until the fixture closes (which cuts the wait).
    const env = useEmulator({ ...FIXTURE, ...(table.start === "never synced" ? { syncDelayMs: 10 * 60_000 } : {}) });
    const ready = async () => {
      if (table.start === "tagged") await tagCats(env());
      return apisFor(env());
    };

    test(`${successStatus(operationId)}: the result of an accepted call`, async () => {
      const apis = await ready();
      const { result, exchanges } = await run(env(), apis, table.call);
      expect(exchanges.map((e) => e.response.status)).toEqual([successStatus(operationId)]);
      table.success(result, env());
    });

    for (const { code, name, before, call, message } of table.badRequests) {
      test(`400 ${code}: ${name}`, async () => {
        const apis = await ready();
        if (before !== undefined) await before(apis);
        await expectFailure(env(), apis, call, { status: 400, code, message });
      });
    }

    for (const { status, code, name, message, credentials, fault } of FAILURE_KINDS) {
      test(`${status} ${code}: ${name}`, async () => {
        await ready();
        if (fault !== undefined) env().emulator.injectFault({ operationId, status: fault });
        // Retries off: reads would otherwise retry an injected fault away (test/faults/retry.test.ts covers that).
        const apis = apisFor(env(), { retry: false, ...(credentials === undefined ? {} : { credentials }) });
        await expectFailure(env(), apis, table.call, { status, code, message: message(operationId) });
      });
    }

    if (table.oversized !== undefined) {
      const oversized = table.oversized;
      test(`413 ModelArts.4104: a body over the gateway's limit (${MAX_BODY_BYTES} bytes here)`, async () => {
        const apis = await ready();
        await expectFailure(env(), apis, oversized, { status: 413, code: "ModelArts.4104", message: example("BodyTooLarge") });
        const body = JSON.parse(env().contract.exchanges.at(-1)?.request.body ?? "") as unknown;
        expect(JSON.stringify(body).length).toBeGreaterThan(MAX_BODY_BYTES);
      });
    }

    test(`what breaks the spec (${table.invalid.parameter}) is refused before any request, so the spec's 0104 never reaches the wire`, async () => {
      const apis = await ready();
      const before = env().contract.exchanges.length;
      const error = await table.invalid.call(apis).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ModelArtsValidationError);
      expect(error).toMatchObject({ parameter: table.invalid.parameter, operation: operationId });
      expect(env().contract.exchanges.length).toBe(before);
    });
  });
}

// ---------------------------------------------------------------------------
// Coverage of what the spec documents

type Json = Record<string, unknown>;

function deref(node: unknown): Json {
  let at = node as Json;
  while (typeof at["$ref"] === "string") {
    at = (at["$ref"] as string)
      .replace(/^#\//, "")
      .split("/")
      .reduce<unknown>((parent, key) => (parent as Json)[key], spec) as Json;
  }
  return at;
}

/**
 * Each documented answer of the operation as "<status>" (successes) or "<status> <error code>":
 * the codes of the response's examples and those its description names. Ranges in a description
 * ("ModelArts.0201 to ModelArts.0208") count by their ends; the codes between are not listed.
 */
function documentedAnswers(operationId: OperationId): string[] {
  const answers: string[] = [];
  for (const [status, raw] of Object.entries(operationOf(operationId).responses)) {
    if (status.startsWith("2")) {
      answers.push(status);
      continue;
    }
    const response = deref(raw);
    const examples = ((response["content"] as Json | undefined)?.["application/json"] as Json | undefined)?.["examples"] as Json | undefined;
    const codes = new Set<string>();
    for (const entry of Object.values(examples ?? {})) codes.add(((deref(entry)["value"] as Json)["error_code"]) as string);
    for (const code of String(response["description"] ?? "").match(/ModelArts\.\d{4}/g) ?? []) codes.add(code);
    if (codes.size === 0) answers.push(status);
    for (const code of codes) answers.push(`${status} ${code}`);
  }
  return answers;
}

/** What the cases above get for the operation, as "<status>" and "<status> <error code>". */
function coveredAnswers(operationId: OperationId): Set<string> {
  const table = TABLES[operationId];
  return new Set([
    String(successStatus(operationId)),
    ...table.badRequests.map((c) => `400 ${c.code}`),
    ...FAILURE_KINDS.map((kind) => `${kind.status} ${kind.code}`),
    ...(table.oversized === undefined ? [] : ["413 ModelArts.4104"]),
  ]);
}

const unreachableAnswers = (operationId: OperationId): Record<string, string> => ({ ...NEVER_THROUGH_A_HELPER, ...TABLES[operationId].unreachable });

describe("every documented answer is covered by a case or listed as unreachable, with the reason", () => {
  test("the tables are the spec's operations, and each is a helper of DataAnnotationsApi or LabelApi", () => {
    const specOperations = Object.values(spec.paths).flatMap((item) => Object.values(item).map((op) => (op as { operationId?: string }).operationId)).filter((id) => id !== undefined);
    expect([...OPERATION_IDS].sort()).toEqual([...specOperations].sort());
    const client = createClient({ endpoint: "http://127.0.0.1:9", credentials: { token: "t" }, env: {} });
    const apis = { DataAnnotations: new DataAnnotationsApi(client), Label: new LabelApi(client) };
    for (const operationId of OPERATION_IDS) {
      const tag = GENERATED_OPERATIONS[operationId].tag as keyof typeof apis;
      expect(typeof (apis[tag] as unknown as Record<string, unknown>)[operationId], `${tag}Api.${operationId}`).toBe("function");
    }
  });

  test.each(OPERATION_IDS)("%s", (operationId) => {
    const documented = documentedAnswers(operationId);
    const covered = coveredAnswers(operationId);
    const unreachable = unreachableAnswers(operationId);
    const statuses = Object.keys(operationOf(operationId).responses);

    expect(documented.filter((answer) => !covered.has(answer) && !(answer in unreachable)), "documented, but neither covered nor explained").toEqual([]);
    expect(Object.keys(unreachable).filter((answer) => covered.has(answer)), "listed as unreachable, yet covered").toEqual([]);
    expect(Object.keys(unreachable).filter((answer) => !documented.includes(answer)), "listed as unreachable, but no longer documented").toEqual([]);
    expect([...covered].filter((answer) => !statuses.includes(answer.split(" ")[0] as string)), "covered, but the spec does not declare the status").toEqual([]);
  });
});
