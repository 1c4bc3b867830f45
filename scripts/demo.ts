/**
 * The main job (`npm run demo`): the legacy SDK's "sync OBS data" flow, end to end, against the
 * local emulator over real HTTP. It builds a throwaway OBS folder and config file, syncs, tags,
 * changes the folder, syncs again and shows what changed; then removes everything it made.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, mkdir, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient, DataAnnotationsApi, type Result } from "../src/index.node.js";
import { startEmulator } from "../src/emulator/index.js";

const PROJECT_ID = "cc0f0990a56f4b8c9d41c85e79cc511c";
const JOB_ID = "282";
// A 1x1 PNG: the emulator only needs image files, and tiny ones keep the demo instant.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==", "base64");

function expectSuccess<R extends { is_success: boolean }>(what: string, result: R): Extract<R, { is_success: true }> {
  if (!result.is_success) throw new Error(`${what} failed: ${JSON.stringify(result)}`);
  return result as Extract<R, { is_success: true }>;
}

async function waitForSync(das: DataAnnotationsApi): Promise<string> {
  const names = ["not started", "succeeded", "failed", "syncing"];
  const seen: string[] = [];
  for (;;) {
    const status = expectSuccess("sync_obs_status", await das.sync_obs_status({ data_annotation_id: JOB_ID }));
    const name = names[status.sync_status]!;
    if (seen.at(-1) !== name) seen.push(name);
    if (status.sync_status === 1 || status.sync_status === 2) return seen.join(" -> ");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Listing = Extract<Result<"show_images_by_tag">, { is_success: true }>["images"];

async function listAll(das: DataAnnotationsApi): Promise<Listing> {
  // Labelled and unlabelled images are two listings in this API.
  const tagged = expectSuccess("show_images_by_tag", await das.show_images_by_tag({ data_annotation_id: JOB_ID, per_page: 100 }));
  const untagged = expectSuccess(
    "show_images_by_tag",
    await das.show_images_by_tag({ data_annotation_id: JOB_ID, tag_name: "__none__", per_page: 100 }),
  );
  return [...tagged.images, ...untagged.images].sort((a, b) => a.url.localeCompare(b.url));
}

function show(images: Listing): void {
  for (const image of images) {
    const tags = image.tags.map((t) => (typeof t === "string" ? t : t.tag));
    console.log(`    ${image.url.padEnd(40)} ${tags.length ? `tags: ${tags.join(", ")}` : "untagged"}`);
  }
}

async function main(): Promise<void> {
  const workdir = await mkdtemp(path.join(tmpdir(), "modelarts-demo-"));
  try {
    await runDemo(workdir);
  } finally {
    await rm(workdir, { recursive: true, force: true });
  }
  console.log("\ndone; temporary files removed");
}

async function runDemo(workdir: string): Promise<void> {
  const obsRoot = path.join(workdir, "obs");
  const folder = path.join(obsRoot, "annotations", "cats");
  const ak = `DEMO${randomBytes(8).toString("hex").toUpperCase()}`;
  const sk = randomBytes(24).toString("base64url");
  await mkdir(folder, { recursive: true });
  for (const name of ["tabby.jpg", "calico.png", "siamese.jpg", "notes.txt"]) await writeFile(path.join(folder, name), PNG);
  const emulator = await startEmulator({
    port: 0,
    obsRoot,
    credentials: [{ ak, sk }],
    jobs: [{ id: JOB_ID, name: "cats", data_path: "obs://annotations/cats/", project_id: PROJECT_ID, description: "demo job", type: 0 }],
  });
  try {
    // The same context file a user keeps in ~/.modelarts/config.yaml, pointed at the emulator.
    const configFile = path.join(workdir, "config.yaml");
    await writeFile(
      configFile,
      [
        "current-context: default",
        "contexts:",
        "  - name: default",
        "    region: cn-north-4",
        `    endpoint: ${emulator.url}`,
        `    project_id: ${PROJECT_ID}`,
        "    credentials:",
        `      ak: ${ak}`,
        `      sk: ${sk}`,
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    process.env.MODELARTS_CONFIG = configFile;
    console.log(`emulator ${emulator.url}, OBS obs://annotations/cats/ -> ${folder}`);

    const client = createClient({ context: "default" });
    const das = new DataAnnotationsApi(client);

    console.log(`\n1. sync_obs(project_id="${PROJECT_ID}", data_annotation_id="${JOB_ID}")`);
    console.log(`   -> ${JSON.stringify(await das.sync_obs({ project_id: PROJECT_ID, data_annotation_id: JOB_ID }))}`);
    console.log(`   sync_obs_status: ${await waitForSync(das)}`);
    const before = await listAll(das);
    console.log(`   ${before.length} images (notes.txt is not an image):`);
    show(before);

    console.log("\n2. modify_image_info: tag tabby and calico");
    const byName = (name: string) => before.find((image) => image.url.endsWith(`/${name}`))!.image_id;
    expectSuccess(
      "modify_image_info",
      await das.modify_image_info({
        data_annotation_id: JOB_ID,
        body: { images: [{ image_id: byName("tabby.jpg"), tags: ["cat", "tabby"] }, { image_id: byName("calico.png"), tags: ["cat"] }] },
      }),
    );
    const stats = expectSuccess("get_tag_statistics", await das.get_tag_statistics({ data_annotation_id: JOB_ID }));
    console.log(`   tag counts: ${stats.tag_count.map((t) => `${t.tag}=${t.count}`).join(", ")}`);

    console.log("\n3. in OBS: add persian.jpg and sphynx.png, remove siamese.jpg; sync_obs again");
    await writeFile(path.join(folder, "persian.jpg"), PNG);
    await writeFile(path.join(folder, "sphynx.png"), PNG);
    await unlink(path.join(folder, "siamese.jpg"));
    console.log(`   -> ${JSON.stringify(await das.sync_obs({ project_id: PROJECT_ID, data_annotation_id: JOB_ID }))}`);
    console.log(`   sync_obs_status: ${await waitForSync(das)}`);
    const after = await listAll(das);
    console.log(`   ${after.length} images:`);
    show(after);

    const urls = (list: Listing) => new Set(list.map((image) => image.url));
    const added = [...urls(after)].filter((url) => !urls(before).has(url));
    const removed = [...urls(before)].filter((url) => !urls(after).has(url));
    const kept = after.filter((image) => image.tags.length > 0).map((image) => image.url);
    console.log(`\n   added:   ${added.join(", ")}`);
    console.log(`   removed: ${removed.join(", ")}`);
    console.log(`   tags kept on: ${kept.join(", ")}`);
    if (added.length !== 2 || removed.length !== 1 || kept.length !== 2) throw new Error("the second sync did not give the expected difference");
  } finally {
    await emulator.close();
    delete process.env.MODELARTS_CONFIG;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `demo failed: ${error.message}` : error);
  process.exitCode = 1;
});
