/**
 * A library user's program, compiled by test/package/installed.test.ts in a fresh project where
 * the packed tarball is the only dependency. It touches every export of the main entry so that a
 * type that resolves to `any` or fails to resolve shows up under `strict` and `skipLibCheck:
 * false`, and each `@ts-expect-error` below must meet a real error (TS2578 otherwise), which
 * proves the types say something. Run with node, it drives the emulator and prints one JSON
 * summary that the test checks.
 */
import {
  createClient,
  DataAnnotationsApi,
  LabelApi,
  ModelArtsClient,
  ModelArtsError,
  ModelArtsArgumentError,
  ModelArtsValidationError,
  ModelArtsConfigError,
  ModelArtsNetworkError,
  ModelArtsAbortError,
  ModelArtsServiceError,
  ModelArtsWaiterTimeoutError,
  OPERATIONS,
  OPERATION_IDS,
  Secret,
  signRequest,
  signRequestAsync,
  type CallOptions,
  type components,
  type CreateClientOptions,
  type FailureResult,
  type HelperParams,
  type ListedImage,
  type OperationId,
  type paths,
  type Result,
  type SuccessResult,
  type SyncProgressEvent,
  type WaitForSyncObsResult,
} from "modelarts-data-annotations";
import { startEmulator, type EmulatorOptions } from "modelarts-data-annotations/emulator";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The spec's types are real types, not `any`.
type Image = components["schemas"]["ImageInfo"];
const image: Image = { image_id: "id", url: "obs://b/a.jpg", tags: ["cat", { tag: "dog", pos: [1, 2, 3, 4] }] };
// @ts-expect-error image_id is a string in the spec
const badImage: Image = { image_id: 1, url: "obs://b/a.jpg", tags: [] };
type SyncPath = paths["/v1/{project_id}/data-annotations/{data_annotation_id}/obs/sync"];
const syncPathHasPost: SyncPath extends { post: unknown } ? true : false = true;
// @ts-expect-error there is no such path in the spec
type NoSuchPath = paths["/v1/nothing"]["get"];

async function main(): Promise<void> {
  const obsRoot = await mkdtemp(join(tmpdir(), "consumer-obs-"));
  await mkdir(join(obsRoot, "bucket/cats"), { recursive: true });
  for (const name of ["a.jpg", "b.jpg", "c.jpg"]) await writeFile(join(obsRoot, "bucket/cats", name), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  const emulatorOptions: EmulatorOptions = {
    port: 0,
    obsRoot,
    syncDelayMs: 10,
    credentials: [{ ak: "CONSUMERAK00000001", sk: "consumer-sk" }],
    jobs: [{ id: "282", name: "cats", data_path: "obs://bucket/cats/", type: 0 }],
    annotationJobs: [{ id: "062ef90a-da4d-4af4-82ba-1523da57e78e", data_annotation_id: "282" }],
  };
  const emulator = await startEmulator(emulatorOptions);
  try {
    const options: CreateClientOptions = { endpoint: emulator.url, projectId: "p1", credentials: { ak: "CONSUMERAK00000001", sk: new Secret("consumer-sk") } };
    const client: ModelArtsClient = createClient(options);
    const das = new DataAnnotationsApi(client);
    const labels = new LabelApi(client);
    const callOptions: CallOptions = { timeoutMs: 10_000 };

    const started = await das.sync_obs({ data_annotation_id: "282" }, callOptions);
    // Never called: these exist to be rejected by the compiler.
    const mistakes = [
      // @ts-expect-error not_a_param is not a parameter of sync_obs
      () => das.sync_obs({ data_annotation_id: "282", not_a_param: 1 }),
      // @ts-expect-error the spec says data_annotation_id is a string
      () => das.sync_obs_status({ data_annotation_id: 282 }),
      // @ts-expect-error per_page is a number in the spec
      () => das.show_images_by_tag({ data_annotation_id: "282", per_page: "100" }),
    ];

    const progress: SyncProgressEvent[] = [];
    const settled: WaitForSyncObsResult = await das.wait_for_sync_obs({ data_annotation_id: "282", onProgress: (event) => progress.push(event) });
    const settledStatus = settled.is_success ? settled.sync_status : settled.error_code;

    const listed: ListedImage[] = [];
    for await (const listedImage of das.iterate_images_by_tag({ data_annotation_id: "282", tag_name: "__none__", per_page: 2 })) listed.push(listedImage);
    const firstId: string = listed[0]?.image_id ?? "";

    const modifyParams: HelperParams<"modify_image_info"> = {
      data_annotation_id: "282",
      body: { images: listed.map((each) => ({ image_id: each.image_id, tags: ["cat"] })) },
    };
    const modified = await das.modify_image_info(modifyParams);

    const stats: Result<"get_tag_statistics"> = await das.get_tag_statistics({ data_annotation_id: "282" });
    // @ts-expect-error tag_count exists only once is_success has narrowed the result to a success
    void stats.tag_count;
    const tagCounts = stats.is_success ? stats.tag_count.map(({ tag, count }) => `${tag}=${count}`) : [];
    if (started.is_success) {
      // @ts-expect-error sync_obs's result has no tag_count
      void started.tag_count;
    }
    const tags = await das.query_tag_list({ data_annotation_id: "282" });
    const one = await das.get_image_info_by_id({ data_annotation_id: "282", image_id: firstId });
    const several = await das.get_image_info_by_ids({ data_annotation_id: "282", body: { image_id: listed.map((each) => each.image_id) } });
    const page = await das.show_images_by_tag({ data_annotation_id: "282", tag_name: "cat" });
    const validation = await labels.query_validation({ job_id: "062ef90a-da4d-4af4-82ba-1523da57e78e" });

    const missing: Result<"sync_obs_status"> = await das.sync_obs_status({ data_annotation_id: "999" });
    const failure: FailureResult | undefined = missing.is_success ? undefined : missing;
    const success: SuccessResult<"sync_obs_status"> | undefined = missing.is_success ? missing : undefined;

    let validationError: { name: string; parameter: string; isModelArtsError: boolean } | undefined;
    try {
      await das.show_images_by_tag({ data_annotation_id: "282", per_page: 1000 });
    } catch (error) {
      if (error instanceof ModelArtsValidationError) validationError = { name: error.name, parameter: error.parameter, isModelArtsError: error instanceof ModelArtsError };
    }

    const headers: Record<string, string> = signRequest({ method: "GET", url: `${emulator.url}/v1/p1/x` }, { ak: "CONSUMERAK00000001", sk: "consumer-sk" });
    const headersAsync = await signRequestAsync({ method: "GET", url: `${emulator.url}/v1/p1/x` }, { ak: "CONSUMERAK00000001", sk: "consumer-sk" });
    const operation: OperationId = OPERATION_IDS[0] ?? "sync_obs";
    const errorClasses = [
      ModelArtsArgumentError,
      ModelArtsValidationError,
      ModelArtsConfigError,
      ModelArtsNetworkError,
      ModelArtsAbortError,
      ModelArtsServiceError,
      ModelArtsWaiterTimeoutError,
    ].filter((errorClass) => errorClass.prototype instanceof ModelArtsError).length;

    console.log(
      JSON.stringify({
        started,
        settledStatus,
        polled: progress.length > 0 || (settled.is_success && settled.polls >= 1),
        listed: listed.map((each) => each.url).sort(),
        modified,
        tagCounts,
        tags: tags.is_success ? tags.tags : tags.error_code,
        one: one.is_success ? one.tags : one.error_code,
        several: several.is_success,
        page: page.is_success ? page.total : page.error_code,
        validation: validation.is_success,
        failure: failure?.error_code,
        success: success !== undefined,
        validationError,
        authorization: headers.Authorization?.split(" ")[0],
        sameSignatureAsync: Object.keys(headersAsync).sort().join(",") === Object.keys(headers).sort().join(","),
        operation: OPERATIONS[operation].method,
        errorClasses,
        image: image.tags.length,
        badImage: typeof badImage,
        syncPathHasPost,
        mistakes: mistakes.length,
      }),
    );
  } finally {
    await emulator.close();
    await rm(obsRoot, { recursive: true, force: true });
  }
}

type Unused = NoSuchPath;
await main();
