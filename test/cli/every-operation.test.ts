/**
 * Every operation of the spec has a CLI command: the table below names one invocation per
 * operationId, the test fails when the spec gains an operation the table lacks, and each
 * invocation must make the emulator serve that operation (method and path, status 2xx).
 */
import { expect, test } from "vitest";
import spec from "../../generated/openapi.json" with { type: "json" };
import { BOXES_REVIEW, cat, retag, useCliEmulator } from "./fixture.js";

const cli = useCliEmulator();

const COMMAND_FOR: Record<string, string[]> = {
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

test("the table names a command for each operation of the spec, and only those", () => {
  expect(Object.keys(COMMAND_FOR).sort()).toEqual(operations.map((operation) => operation.operationId).sort());
});

test.each(operations.map((operation) => [operation.operationId, operation] as const))("%s is reached by its command", async (_, operation) => {
  const before = cli().served.length;
  const result = await cli().run(COMMAND_FOR[operation.operationId]!);
  expect(result.code, result.stderr).toBe(0);
  const served = cli()
    .served.slice(before)
    .map((line) => line.split(" "))
    .filter(([, method, path, status]) => method === operation.method && operation.path.test(path ?? "") && /^2\d\d$/.test(status ?? ""));
  expect(served, cli().served.slice(before).join("\n")).toHaveLength(1);
});
