/**
 * Every operation of the spec is reachable from the shell: by `call <operationId>` (the command
 * made from the operation table, so a new operation needs no CLI code, only its arguments in
 * CALL_ARGUMENTS), and by its own command where it has one (OWN_COMMAND). The test fails when
 * the spec gains an operation CALL_ARGUMENTS lacks, and each invocation, run as a shell runs
 * the built CLI, must make the emulator serve that operation (method and path, status 2xx).
 */
import { expect, test } from "vitest";
import spec from "../../generated/openapi.json" with { type: "json" };
import { BOXES_REVIEW, called, cat, retag, useCliEmulator } from "./fixture.js";
import { jsonOf } from "./run.js";

const cli = useCliEmulator();

/** The arguments after `call <operationId>` that make each operation succeed against the fixture. */
const CALL_ARGUMENTS: Record<string, string[]> = {
  // 286 has never been synced: 284's sync, started by sync-obs below, may still be running.
  sync_obs: ["-j", "286"],
  sync_obs_status: ["-j", "284"],
  show_images_by_tag: ["-j", "282", "--tag-name", "__none__", "--per-page", "2", "--page", "1"],
  modify_image_info: ["-j", "282", "--body", JSON.stringify({ images: [{ image_id: cat("b.png"), tags: ["dog"] }] })],
  get_image_info_by_id: ["-j", "282", "--image-id", cat("a.png")],
  get_image_info_by_ids: ["-j", "282", "--body", JSON.stringify({ image_id: [cat("a.png"), cat("c.jpg")] })],
  query_tag_list: ["-j", "282"],
  get_tag_statistics: ["-j", "282"],
  query_validation: ["--job-id", BOXES_REVIEW],
  delete_selected_image: ["-j", "285", "--image-id", called("one.png")],
  delete_selected_images: ["-j", "285", "--body", JSON.stringify({ image_id: [called("two.png"), called("three.png")] })],
};

/** The operations that also have a command of their own, with an invocation of it. */
const OWN_COMMAND: Record<string, string[]> = {
  sync_obs: ["sync-obs", "-j", "284"],
  sync_obs_status: ["sync-status", "-j", "284"],
  show_images_by_tag: ["images", "-j", "282", "--untagged"],
  modify_image_info: ["modify-image", "-j", "282", "--image-id", cat("a.png"), "--tag", "cat"],
  get_image_info_by_id: ["image-tags", "-j", "282", cat("a.png")],
  get_image_info_by_ids: ["image-tags", "-j", "282", cat("a.png"), cat("b.png")],
  query_tag_list: ["tags", "-j", "282"],
  get_tag_statistics: ["tag-stats", "-j", "282"],
  query_validation: ["validation", "--job-id", BOXES_REVIEW],
  delete_selected_image: ["delete-image", "-j", "284", retag("one.png")],
  delete_selected_images: ["delete-images", "-j", "284", retag("two.png"), retag("three.png")],
};

interface Operation {
  operationId: string;
  method: string;
  path: RegExp;
}

const operations: Operation[] = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item as Record<string, { operationId?: string }>)
    .filter(([, operation]) => typeof operation?.operationId === "string")
    .map(([method, operation]) => ({
      operationId: operation.operationId!,
      method: method.toUpperCase(),
      path: new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    })),
);

test("call has arguments here for each operation of the spec, and only those; own commands are of operations of the spec", () => {
  const ids = operations.map((operation) => operation.operationId).sort();
  expect(Object.keys(CALL_ARGUMENTS).sort()).toEqual(ids);
  expect(Object.keys(OWN_COMMAND).filter((id) => !ids.includes(id))).toEqual([]);
});

/** Runs `args` and expects the emulator to have served exactly one 2xx request of `operation` meanwhile. */
async function expectServed(operation: Operation, args: string[]) {
  const before = cli().served.length;
  const result = await cli().run(args);
  expect(result.code, result.stderr).toBe(0);
  const served = cli()
    .served.slice(before)
    .map((line) => line.split(" "))
    .filter(([, method, path, status]) => method === operation.method && operation.path.test(path ?? "") && /^2\d\d$/.test(status ?? ""));
  expect(served, cli().served.slice(before).join("\n")).toHaveLength(1);
  return result;
}

const byId = (ids: string[]) => operations.filter((operation) => ids.includes(operation.operationId)).map((operation) => [operation.operationId, operation] as const);

test.each(byId(Object.keys(OWN_COMMAND)))("%s is reached by its own command", async (id, operation) => {
  await expectServed(operation, OWN_COMMAND[id]!);
});

test.each(byId(Object.keys(CALL_ARGUMENTS)))("%s is reached by call", async (id, operation) => {
  const result = await expectServed(operation, ["call", id, ...CALL_ARGUMENTS[id]!]);
  // The answer is the helper's result, as JSON with or without --json.
  expect(jsonOf(result)).toMatchObject({ is_success: true });
});
