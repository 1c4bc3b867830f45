/**
 * `call <operation_id>` as a shell runs it, against the emulator (see fixture.ts): its help from
 * the operation table, the values it refuses before sending anything, the three ways to give a
 * body, and the outcomes' output and exit codes, which are those of the other commands.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { OPERATIONS, type OperationEntry } from "../../generated/operations.js";
import { TEST_SK } from "../support/emulator.js";
import { cat, useCliEmulator } from "./fixture.js";
import { jsonOf, startCli } from "./run.js";

const cli = useCliEmulator();

/** Help with the lines commander wrapped at 80 columns joined again. */
const unwrapped = (help: string) => help.replace(/\n {20,}/g, " ");
const kebab = (name: string) => name.replaceAll("_", "-");

describe("help from the operation table", () => {
  test("call --help lists every operation under its tag, with its method and path", async () => {
    const result = await cli().run(["call", "--help"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const help = unwrapped(result.stdout);
    for (const entry of Object.values(OPERATIONS)) {
      const path = entry.path.replace("/v1/{project_id}", "");
      const group = help.split(`${entry.tag} operations:\n`)[1]!.split("\n\n")[0]!;
      expect(group, entry.operationId).toContain(`  ${entry.operationId.padEnd(24)}${entry.method.toUpperCase()} ${path}\n`.trimEnd());
    }
    // help call is the same text; call alone prints it on stderr and exits 2, as the program does with no command.
    expect(await cli().run(["help", "call"])).toEqual(result);
    const bare = await cli().run(["call"]);
    expect(bare).toMatchObject({ code: 2, stdout: "", stderr: result.stdout });
  });

  test("call <operation> --help lists its parameters, each with its place, type, limits and default", async () => {
    // As entries, not the table's literal types: their union would not type a callback over path parameters.
    for (const entry of Object.values(OPERATIONS) as OperationEntry[]) {
      const result = await cli().run(["call", entry.operationId, "--help"]);
      expect(result.code, entry.operationId).toBe(0);
      const help = unwrapped(result.stdout);
      expect(help.replace(/\s+/g, " ")).toContain(`Call ${entry.operationId} (${entry.tag}): ${entry.method.toUpperCase()} ${entry.path}`);
      for (const name of entry.pathParameters.filter((p) => p !== "project_id")) {
        expect(help).toMatch(new RegExp(`^  (-j, )?--${kebab(name)} <id> +path parameter ${name} \\(required\\)$`, "m"));
      }
      for (const query of entry.queryParameters) expect(help).toMatch(new RegExp(`^  --${kebab(query.name)} <[^>]+> +query parameter ${query.name}\\b`, "m"));
      expect(help.includes("--body <json|@file|->"), entry.operationId).toBe(entry.body !== null);
      expect(help).toContain(`Examples:\n  $ modelarts-annotations call ${entry.operationId} `);
    }
    const images = unwrapped((await cli().run(["help", "call", "show_images_by_tag"])).stdout);
    const perPage = OPERATIONS.show_images_by_tag.queryParameters.find((p) => p.name === "per_page")!;
    expect(images).toMatch(new RegExp(`^  --per-page <n> +query parameter per_page; integer, from ${perPage.minimum} to ${perPage.maximum}; default ${perPage.default}$`, "m"));
  });
});

describe("refused before anything is sent, exit 2", () => {
  const refused: [string, string[], string][] = [
    ["a value over the table's maximum", ["show_images_by_tag", "-j", "282", "--per-page", "500"], "option '--per-page <n>' argument '500' is invalid. must be from 1 to 100."],
    ["a value that is not of the parameter's type", ["show_images_by_tag", "-j", "282", "--page", "two"], "option '--page <n>' argument 'two' is invalid. must be a whole number."],
    ["a missing path parameter", ["get_image_info_by_id", "-j", "282"], "required option '--image-id <id>' not specified"],
    ["a missing body", ["get_image_info_by_ids", "-j", "282"], "required option '--body <json|@file|->' not specified"],
    ["a path parameter the spec's pattern refuses", ["sync_obs_status", "-j", "not-a-job"], "invalid parameter 'data_annotation_id'"],
    ["a body the spec refuses", ["get_image_info_by_ids", "-j", "282", "--body", '{"image_id":[]}'], "invalid parameter 'body.image_id': must have at least 1 items"],
    ["a body that is not JSON", ["get_image_info_by_ids", "-j", "282", "--body", '{"image_id":'], "--body (inline JSON) is not valid JSON"],
    ["a body file that does not exist", ["get_image_info_by_ids", "-j", "282", "--body", "@no-such-file.json"], "cannot read --body @no-such-file.json: ENOENT"],
    ["an argument the operation does not take", ["sync_obs", "-j", "282", "extra"], "too many arguments for 'sync_obs'"],
  ];

  test.each(refused)("%s", async (_, args, message) => {
    const { result, requests } = await cli().requestsDuring(["call", ...args]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).toContain(message);
    expect(requests).toBe(0);
    const json = await cli().requestsDuring(["call", ...args, "--json"]);
    expect(json.result.code).toBe(2);
    expect(jsonOf(json.result)).toMatchObject({ is_success: false, error_code: expect.stringMatching(/^(USAGE|INVALID_PARAMETER)$/), error_msg: expect.stringContaining(message.split(":")[0]!) });
    expect(json.requests).toBe(0);
  });

  test("a mistyped operation gets the ones it may have meant", async () => {
    const { result, requests } = await cli().requestsDuring(["call", "sync_ob", "-j", "282"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: unknown operation 'sync_ob'\nDid you mean sync_obs or sync_obs_status?\nRun "modelarts-annotations call --help" for the operations.\n`);
    expect(requests).toBe(0);
    const kebabCase = await cli().run(["call", "get-tag-statistics", "-j", "282", "--json"]);
    expect(kebabCase.code).toBe(2);
    expect(jsonOf(kebabCase)).toEqual({ is_success: false, error_code: "USAGE", error_msg: "unknown operation 'get-tag-statistics'" });
    expect(kebabCase.stderr).toContain("Did you mean get_tag_statistics?");
  });

  test("a mistyped option is quoted by name only: its value may be a secret", async () => {
    const result = await cli().run(["call", "sync_obs_status", "-j", "282", `--sk=${TEST_SK}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--sk…'");
    expect(result.stdout + result.stderr).not.toContain(TEST_SK);
  });
});

describe("the body: inline JSON, a file, or stdin", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "modelarts-call-body-"));
    await writeFile(join(dir, "ids.json"), JSON.stringify({ image_id: [cat("a.png"), cat("b.png")] }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("each gives the same request, and the helper's answer", async () => {
    const args = ["call", "get_image_info_by_ids", "-j", "282", "--body"];
    const inline = await cli().run([...args, JSON.stringify({ image_id: [cat("a.png"), cat("b.png")] })]);
    expect(inline.code, inline.stderr).toBe(0);
    const answer = jsonOf(inline);
    expect(answer).toMatchObject({ is_success: true, images_tags: [{ image_id: cat("a.png") }, { image_id: cat("b.png") }] });
    expect(jsonOf(await cli().run([...args, `@${join(dir, "ids.json")}`]))).toEqual(answer);
    expect(jsonOf(await cli().run([...args, join(dir, "ids.json")]))).toEqual(answer);
    expect(jsonOf(await cli().run([...args, "-"], { input: JSON.stringify({ image_id: [cat("a.png"), cat("b.png")] }) }))).toEqual(answer);
  });

  test("a body that cannot be read points to the operation's help; modify-image takes the same forms", async () => {
    const bad = await cli().run(["call", "get_image_info_by_ids", "-j", "282", "--body", "[1,"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --body \(inline JSON\) is not valid JSON: .*\nRun "modelarts-annotations call get_image_info_by_ids --help" for its options\.\n$/);
    const inline = await cli().run(["modify-image", "-j", "282", "--body", JSON.stringify({ images: [{ image_id: cat("c.jpg"), tags: ["cat"] }] })]);
    expect(inline).toMatchObject({ code: 0, stdout: "Retagged 1 image in job 282.\n" });
  });
});

describe("outcomes", () => {
  test("the service's refusal exits 1: a line on stderr, and with --json the failure result", async () => {
    const text = await cli().run(["call", "get_image_info_by_id", "-j", "999", "--image-id", cat("a.png")]);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe("");
    expect(text.stderr).toMatch(/^error: ModelArts\.4338: The resource not exists \(HTTP 400, request [0-9a-f]{32}\)\n$/);
    const json = await cli().run(["call", "get_image_info_by_id", "-j", "999", "--image-id", cat("a.png"), "--json"]);
    expect(json.code).toBe(1);
    expect(jsonOf(json)).toEqual({ is_success: false, error_code: "ModelArts.4338", error_msg: "The resource not exists", http_status: 400, request_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(json.stdout + json.stderr + text.stderr).not.toContain(TEST_SK);
  });

  test("the client flags apply: --project-id reaches the request, --endpoint where nothing listens exits 3", async () => {
    const other = await cli().run(["call", "query_tag_list", "-j", "282", "--project-id", "another0project", "--json"]);
    expect(other.code).toBe(1);
    expect(jsonOf(other)).toMatchObject({ error_code: "ModelArts.4338" });
    const unreachable = await cli().run(["call", "query_tag_list", "-j", "282", "--endpoint", "http://127.0.0.1:9", "--json"]);
    expect(unreachable.code).toBe(3);
    expect(jsonOf(unreachable)).toMatchObject({ is_success: false, error_code: "NETWORK_ERROR" });
    expect(unreachable.stdout + unreachable.stderr).not.toContain(TEST_SK);
    const context = await cli().run(["call", "query_tag_list", "-j", "282", "--context", "prod"]);
    expect(context.code).toBe(2);
    expect(context.stderr).toMatch(/^error: .*prod/m);
  });

  test("without --json, a control character from the service reaches the terminal escaped, in JSON that still parses", async () => {
    const body = JSON.stringify({ images: [{ image_id: cat("b.png"), tags: ["evil\u009b2J"] }] });
    expect(await cli().run(["call", "modify_image_info", "-j", "282", "--body", body])).toMatchObject({ code: 0 });
    const text = await cli().run(["call", "get_image_info_by_id", "-j", "282", "--image-id", cat("b.png")]);
    expect(text.stdout).not.toContain("\u009b");
    expect(text.stdout).toContain('"evil\\u009b2J"');
    expect(jsonOf(text)).toMatchObject({ tags: ["evil\u009b2J"] });
  });

  test("the answer is the helper's result, the same document with and without --json", async () => {
    const text = await cli().run(["call", "get_tag_statistics", "-j", "282"]);
    const json = await cli().run(["call", "get_tag_statistics", "-j", "282", "--json"]);
    expect(text).toMatchObject({ code: 0, stderr: "" });
    // Equal as JSON: the text escapes C1 control characters that --json leaves as they are (see above).
    expect(jsonOf(text)).toEqual(jsonOf(json));
    expect(jsonOf(json)).toMatchObject({ is_success: true, tag_count: expect.any(Array), tags_stat: expect.any(Array) });
  });
});

test("Ctrl+C while the call waits for an answer: exit 130, and with --json the document says so", async () => {
  // A server that takes the connection and never answers, so the call is still waiting when the signal comes.
  const sockets: Socket[] = [];
  let connected!: () => void;
  const accepted = new Promise<void>((resolve) => (connected = resolve));
  const silent = createServer((socket) => {
    sockets.push(socket);
    connected();
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = silent.address() as { port: number };
    const env = { HOME: cli().home, MODELARTS_CONFIG: `${cli().home}/config.yaml` };
    const run = startCli(["call", "sync_obs_status", "-j", "282", "--endpoint", `http://127.0.0.1:${port}`, "--json"], env);
    await accepted;
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(jsonOf(result)).toMatchObject({ is_success: false, error_code: "INTERRUPTED" });
    expect(result.stderr).toMatch(/^error: /);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});
