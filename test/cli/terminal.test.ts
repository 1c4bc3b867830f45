/**
 * What a terminal sees that a pipe does not: the live progress line of `sync-obs --wait`
 * and colour. A real pseudo-terminal comes from util-linux `script`, so the CLI's own
 * isTTY checks are what is tested; NO_COLOR, FORCE_COLOR and --no-color on top.
 */
import { existsSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { Output } from "../../src/cli/output.js";
import { resolveContext } from "../../src/index.node.js";
import { ProgressLine } from "../../src/cli/progress.js";
import { cat, useCliEmulator } from "./fixture.js";
import { CLI_COMMAND, start } from "./run.js";

const CLEAR_LINE = "\r\u001b[2K";
// Select Graphic Rendition: colour, bold, dim. Not the cursor and erase sequences of the progress line.
const SGR = /\u001b\[[0-9;]*m/;

const cli = useCliEmulator();

const shellQuote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

/**
 * Runs the CLI on a pseudo-terminal: stdin, stdout and stderr are all the TTY, as in an
 * interactive shell. `typing` is typed at the terminal once `prompt` has appeared.
 */
async function onTerminal(
  args: string[],
  env: Record<string, string> = {},
  { prompt, typing }: { prompt?: string; typing?: string } = {},
): Promise<{ code: number | null; output: string }> {
  const command = [...CLI_COMMAND, ...args].map(shellQuote).join(" ");
  const run = start("script", ["-qefc", command, "/dev/null"], { TERM: "xterm-256color", HOME: cli().home, MODELARTS_CONFIG: `${cli().home}/config.yaml`, ...env });
  let seen = "";
  run.child.stdout.on("data", (chunk: string) => {
    seen += chunk;
    if (typing !== undefined && prompt !== undefined && seen.includes(prompt)) {
      run.child.stdin.write(typing);
      typing = undefined;
    }
  });
  const { code, stdout, stderr } = await run.done;
  return { code, output: stdout + stderr };
}

describe("sync-obs --wait", () => {
  test("on a terminal: a live progress line, erased before the answer, in colour", async () => {
    const { code, output } = await onTerminal(["sync-obs", "-j", "282", "--wait"]);
    expect(code).toBe(0);
    expect(output).toContain(`${CLEAR_LINE}`);
    expect(output).toContain("job 282: sync started");
    // The line is erased, and the answer comes after it on a line of its own.
    const answer = output.slice(output.lastIndexOf(CLEAR_LINE) + CLEAR_LINE.length);
    expect(answer.replace(/\u001b\[[0-9;]*m/g, "")).toMatch(/^Sync of job 282 succeeded \(1\) after \d+\.\d s\.\r?\n$/);
    expect(answer).toMatch(SGR);
  });

  test("NO_COLOR on a terminal: the progress line stays, the colour goes", async () => {
    const { code, output } = await onTerminal(["sync-obs", "-j", "282", "--wait"], { NO_COLOR: "1" });
    expect(code).toBe(0);
    expect(output).toContain(CLEAR_LINE);
    expect(output).not.toMatch(SGR);
  });

  test("piped: no progress line and no colour, on stdout or stderr", async () => {
    const result = await cli().run(["sync-obs", "-j", "282", "--wait"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^Sync of job 282 succeeded \(1\) after \d+\.\d s\.\n$/);
  });
});

describe("stdin on a terminal", () => {
  test('"-" for image IDs is refused at once rather than waiting for input nobody knows to end', async () => {
    const { code, output } = await onTerminal(["delete-images", "-j", "282", "-"]);
    expect(code).toBe(2);
    expect(output).toContain('"-" reads stdin, but stdin is a terminal; pipe the input in');
  });

  test("--sk - prompts, and what is typed is neither echoed nor printed", async () => {
    const file = `${cli().home}/prompted.yaml`;
    const secret = "typed-at-the-prompt-0001";
    const { code, output } = await onTerminal(
      ["config", "set-context", "typed", "--config", file, "--region", "cn-north-4", "--ak", "PROMPTAK000000000001", "--sk", "-"],
      {},
      { prompt: "SK: ", typing: `${secret}\r` },
    );
    expect(code).toBe(0);
    expect(output).toContain(`Context "typed" created in ${file}`);
    expect(output).not.toContain(secret);
    const config = resolveContext({ configFile: file }, {});
    expect(config.credentials.kind === "aksk" && config.credentials.sk.reveal()).toBe(secret);
  });
});

test("Ctrl+C at the prompt stops the command with exit 130 and writes nothing", async () => {
  const file = `${cli().home}/never.yaml`;
  const { code, output } = await onTerminal(["config", "set-context", "x", "--config", file, "--ak", "PROMPTAK000000000001", "--sk", "-", "--json"], {}, { prompt: "SK: ", typing: "half-typed\u0003" });
  expect(code).toBe(130);
  expect(output).toContain('"error_code": "INTERRUPTED"');
  expect(output).not.toContain("half-typed");
  expect(existsSync(file)).toBe(false);
});

describe("colour", () => {
  test("FORCE_COLOR colours a pipe; NO_COLOR beats it; --no-color beats both", async () => {
    const forced = await cli().run(["sync-status", "-j", "282"], { env: { FORCE_COLOR: "1" } });
    expect(forced.stdout).toMatch(SGR);
    const none = await cli().run(["sync-status", "-j", "282"], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
    expect(none.stdout).not.toMatch(SGR);
    const flag = await cli().run(["sync-status", "-j", "282", "--no-color"], { env: { FORCE_COLOR: "1" } });
    expect(flag.stdout).not.toMatch(SGR);
    // An empty NO_COLOR does not count, as no-color.org says.
    const empty = await cli().run(["sync-status", "-j", "282"], { env: { FORCE_COLOR: "1", NO_COLOR: "" } });
    expect(empty.stdout).toMatch(SGR);
  });
});

describe("ProgressLine and Output (pure)", () => {
  const stream = (isTTY: boolean, columns = 80) => {
    const writes: string[] = [];
    return { writes, isTTY, columns, write: (text: string) => writes.push(text) };
  };
  const plain = new Output({ stdout: stream(false), stderr: stream(false), env: {} }).err;

  test("writes nothing at all when the stream is not a TTY", () => {
    const target = stream(false);
    const line = new ProgressLine(target, plain);
    line.update("job 282: syncing");
    line.stop();
    expect(target.writes).toEqual([]);
  });

  test("redraws in place and never wraps on a narrow terminal", () => {
    const target = stream(true, 20);
    const line = new ProgressLine(target, plain);
    line.update("job 282: a status text far wider than twenty columns");
    line.stop();
    expect(target.writes[0]!.startsWith(CLEAR_LINE)).toBe(true);
    expect(target.writes[0]!.length - CLEAR_LINE.length).toBeLessThan(20);
    expect(target.writes.at(-1)).toBe(CLEAR_LINE);
  });

  test("tables align wide characters and neutralise control characters from the service", () => {
    const output = new Output({ stdout: stream(false), stderr: stream(false), env: {} });
    expect(output.table(["TAG", "IMAGES"], [["猫猫", "2"], ["cat", "10"]])).toBe("TAG   IMAGES\n猫猫  2\ncat   10\n");
    expect(output.table(["TAG"], [["evil\u001b]0;owned\u0007"]])).toBe("TAG\nevil\\u001b]0;owned\\u0007\n");
  });

  test("a table written a page at a time: one header, columns that only widen", () => {
    const stdout = stream(false);
    const table = new Output({ stdout, stderr: stream(false), env: {} }).tableWriter(["ID", "URL", "TAGS"]);
    table.add([["a1", "obs://b/x.png", "cat"]]);
    table.add([["a2", "obs://b/longer-name.png", "dog, kitten"]]);
    table.add([["a3", "obs://b/y.png", "-"]]);
    expect(stdout.writes.join("")).toBe(
      [
        "ID  URL            TAGS",
        "a1  obs://b/x.png  cat",
        "a2  obs://b/longer-name.png  dog, kitten",
        "a3  obs://b/y.png            -",
        "",
      ].join("\n"),
    );
  });
});

describe("delete-image asks first on a terminal", () => {
  test("answering no deletes nothing and exits 2; --yes deletes without asking", async () => {
    const id = cat("b.png");
    const declined = await onTerminal(["delete-image", "-j", "282", id], {}, { prompt: "[y/N] ", typing: "n\r" });
    expect(declined.output).toContain(`Delete image ${id} from job 282? Its tags are lost for good. [y/N]`);
    expect(declined.output.replace(/\u001b\[[0-9;]*m/g, "")).toContain("error: nothing deleted");
    expect(declined.code).toBe(2);
    expect(cli().emulator.emulator.job("282")!.images.some((image) => image.image_id === id)).toBe(true);

    const confirmed = await onTerminal(["delete-image", "-j", "282", id, "--yes"]);
    expect(confirmed.code).toBe(0);
    expect(confirmed.output).not.toContain("[y/N]");
    expect(cli().emulator.emulator.job("282")!.images.some((image) => image.image_id === id)).toBe(false);
  });
});

describe("delete-images asks first on a terminal", () => {
  test("answering no deletes nothing and exits 2; --dry-run lists what would go; --yes deletes without asking", async () => {
    const id = cat("a.png");
    const declined = await onTerminal(["delete-images", "-j", "282", id], {}, { prompt: "[y/N] ", typing: "n\r" });
    expect(declined.output).toContain("Delete 1 image from job 282? Their tags are lost for good. [y/N]");
    expect(declined.output.replace(/\u001b\[[0-9;]*m/g, "")).toContain("error: nothing deleted");
    expect(declined.code).toBe(2);
    expect(cli().emulator.emulator.job("282")!.images.some((image) => image.image_id === id)).toBe(true);

    const dry = await onTerminal(["delete-images", "-j", "282", id, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.output.replace(/\u001b\[[0-9;]*m/g, "")).toContain(`Would delete 1 image from job 282 (their tags would be lost for good; the OBS objects stay):\r\n${id}`);
    expect(cli().emulator.emulator.job("282")!.images.some((image) => image.image_id === id)).toBe(true);

    const confirmed = await onTerminal(["delete-images", "-j", "282", id], {}, { prompt: "[y/N] ", typing: "y\r" });
    expect(confirmed.code).toBe(0);
    expect(cli().emulator.emulator.job("282")!.images.some((image) => image.image_id === id)).toBe(false);
  });
});
