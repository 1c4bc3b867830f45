/**
 * `config set-context | use-context | get-contexts | view` as a child process on a temp
 * HOME: the file they write (mode 0600, readable by the client), and that no secret reaches
 * stdout or stderr.
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { resolveContext } from "../../src/index.node.js";
import { cli, jsonOf } from "./run.js";

const SK = "cli-test-secret-key-0000000000000000000001";
const TOKEN = "cli-test-iam-token-000001";
let home: string;
const file = () => join(home, ".modelarts", "config.yaml");
const run = (args: string[], input?: string) => cli(args, { env: { HOME: home }, ...(input !== undefined ? { input } : {}) });

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "modelarts-cli-config-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

function expectNoSecret(...outputs: string[]) {
  for (const output of outputs) {
    expect(output).not.toContain(SK);
    expect(output).not.toContain(TOKEN);
  }
}

test("set-context creates ~/.modelarts/config.yaml with owner-only permissions; the client reads it back", async () => {
  const created = await run(["config", "set-context", "dev", "--region", "cn-north-4", "--project-id", "p-1", "--ak", "CLIAK0000000000000001", "--sk", "-"], `${SK}\n`);
  expect(created).toMatchObject({ code: 0, stderr: "" });
  expect(created.stdout).toBe(`Context "dev" created in ${file()} (new file, mode 0600); it is now the current context.\n`);
  expect((await stat(file())).mode & 0o777).toBe(0o600);
  expect((await stat(join(home, ".modelarts"))).mode & 0o777).toBe(0o700);

  const config = resolveContext({ configFile: file() }, {});
  expect(config).toMatchObject({ context: "dev", region: "cn-north-4", projectId: "p-1", credentials: { kind: "aksk", ak: "CLIAK0000000000000001" } });
  // Read from stdin without the newline the shell added.
  expect(config.credentials.kind === "aksk" && config.credentials.sk.reveal()).toBe(SK);
  expectNoSecret(created.stdout, created.stderr);
});

test("get-contexts, use-context and view, with every secret redacted", async () => {
  await run(["config", "set-context", "dev", "--region", "cn-north-4", "--ak", "CLIAK0000000000000001", "--sk", SK]);
  const second = await run(["config", "set-context", "local", "--endpoint", "http://127.0.0.1:8443", "--project-id", "local-project", "--token", "-"], TOKEN);
  expect(second.stdout).toBe(`Context "local" created in ${file()}.\n`);

  const list = await run(["config", "get-contexts"]);
  expect(list.stdout).toBe(
    [
      "CURRENT  NAME   REGION      PROJECT ID     ENDPOINT               AUTH",
      "*        dev    cn-north-4                                        ak CLIAK0000000000000001",
      "         local              local-project  http://127.0.0.1:8443  token",
      "",
    ].join("\n"),
  );
  expect(jsonOf(await run(["config", "get-contexts", "--json"]))).toEqual({ path: file(), currentContext: "dev", contexts: ["dev", "local"] });

  const switched = await run(["config", "use-context", "local"]);
  expect(switched).toMatchObject({ code: 0, stdout: `Switched to context "local" in ${file()}.\n` });

  const view = await run(["config", "view"]);
  expect(view.code).toBe(0);
  expect(view.stdout).toContain("current-context: local");
  expect(view.stdout).toContain('sk: "[REDACTED]"');
  expect(view.stdout).toContain('token: "[REDACTED]"');
  const viewJson = await run(["config", "view", "--json"]);
  // The file's own snake_case keys, as the text view shows them.
  expect(jsonOf(viewJson)).toMatchObject({ exists: true, "current-context": "local", contexts: [{ name: "dev", credentials: { ak: expect.any(String), sk: "[REDACTED]" } }, { name: "local", project_id: "local-project" }] });
  expect(JSON.stringify(jsonOf(viewJson))).not.toMatch(/currentContext|projectId|"kind"/);
  expectNoSecret(list.stdout, view.stdout, viewJson.stdout, view.stderr);
  // The file itself does hold them: the client needs them.
  expect(await readFile(file(), "utf8")).toContain(SK);
});

test("set-context changes only the fields it is given", async () => {
  await run(["config", "set-context", "dev", "--region", "cn-north-4", "--project-id", "p-1", "--ak", "CLIAK0000000000000001", "--sk", SK]);
  const changed = await run(["config", "set-context", "dev", "--project-id", "p-2"]);
  expect(changed.stdout).toBe(`Context "dev" modified in ${file()}.\n`);
  expect(resolveContext({ configFile: file() }, {})).toMatchObject({ region: "cn-north-4", projectId: "p-2", credentials: { kind: "aksk", ak: "CLIAK0000000000000001" } });
});

test("bad input is refused before the file is touched, naming the problem and never the secret", async () => {
  await run(["config", "set-context", "dev", "--region", "cn-north-4", "--ak", "CLIAK0000000000000001", "--sk", SK]);
  const before = await readFile(file(), "utf8");
  const cases: [string[], string][] = [
    [["config", "set-context", "dev", "--ak", "OTHERAK000000000001"], "AK/SK credentials need both --ak and --sk"],
    [["config", "set-context", "dev", "--token", TOKEN, "--ak", "CLIAK0000000000000001"], "--token cannot be combined with --ak"],
    [["config", "set-context", "dev", "--sk", "-", "--token", "-"], 'only one of --sk, --security-token and --token can be "-"'],
    [["config", "set-context", "dev", "--endpoint", "ftp://example.com"], "endpoint"],
    [["config", "set-context", "dev", "--region", "North 4"], "region"],
    [["config", "use-context", "prod"], "contexts defined: dev"],
  ];
  for (const [args, message] of cases) {
    const result = await run(args, "");
    expect(result.code, args.join(" ")).toBe(2);
    expect(result.stderr).toContain(message);
    expectNoSecret(result.stdout, result.stderr);
  }
  expect(await readFile(file(), "utf8")).toBe(before);
});

test("delete-context removes a context; deleting the current one leaves none current", async () => {
  await run(["config", "set-context", "dev", "--region", "cn-north-4", "--ak", "CLIAK0000000000000001", "--sk", SK]);
  await run(["config", "set-context", "other", "--region", "cn-north-4"]);
  const deleted = await run(["config", "delete-context", "other"]);
  expect(deleted).toMatchObject({ code: 0, stdout: `Deleted context "other" from ${file()}.\n` });
  const current = await run(["config", "delete-context", "dev", "--json"]);
  expect(jsonOf(current)).toEqual({ path: file(), wasCurrent: true });
  expect(jsonOf(await run(["config", "get-contexts", "--json"]))).toEqual({ path: file(), currentContext: null, contexts: [] });
  expect((await run(["config", "delete-context", "dev"])).code).toBe(2);
});

test("view and get-contexts without a file say so, and exit 0", async () => {
  const view = await run(["config", "view"]);
  expect(view).toMatchObject({ code: 0, stdout: "" });
  expect(view.stderr).toContain(`No config file at ${file()}`);
  expect(jsonOf(await run(["config", "view", "--json"]))).toEqual({ path: file(), exists: false, contexts: [] });
  const missing = await run(["config", "use-context", "dev"]);
  expect(missing.code).toBe(2);
});
