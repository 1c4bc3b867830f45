import { describe, expect, it } from "vitest";
import { resolveContext } from "../../src/config/index.js";
import { readChecked, readEndpoint, readString, type Place } from "../../src/config/read.js";
import { regionProblem } from "../../src/config/validate.js";
import { ModelArtsConfigError } from "../../src/errors.js";
import { configError, sandbox } from "./helpers.js";

/** A place whose errors say "at <key>: <problem>", so the tests see exactly what the reader asked for. */
function place(extra: Partial<Place> = {}): Place {
  return { fail: (key, problem) => new ModelArtsConfigError(`at ${key}: ${problem}`, { field: key }), ...extra };
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ModelArtsConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ModelArtsConfigError");
}

describe("the shared reader", () => {
  it("takes strings and treats absent and null as unset", () => {
    const map = { a: "x", b: null };
    expect(readString(map, "a", place())).toBe("x");
    expect(readString(map, "b", place())).toBeUndefined();
    expect(readString(map, "c", place())).toBeUndefined();
  });

  it("words every problem through the place it is given", () => {
    expect(message(() => readString({ k: 1 }, "k", place()))).toBe("at k: must be a string, found a number");
    // The refused value comes along, so that a source can add its own hint.
    const hinting = place({ fail: (key, problem, refused) => new ModelArtsConfigError(`at ${key}: ${problem}${Array.isArray(refused) ? " (hint)" : ""}`) });
    expect(message(() => readString({ k: [] }, "k", hinting))).toBe("at k: must be a string, found a list (hint)");
    expect(message(() => readString({ k: 1 }, "k", hinting))).toBe("at k: must be a string, found a number");
    expect(message(() => readString({ k: "" }, "k", place()))).toBe("at k: must not be empty");
    expect(message(() => readChecked({ k: "CN" }, "k", place(), regionProblem))).toBe(`at k: ${regionProblem("CN")}`);
    expect(message(() => readEndpoint({ k: "ftp://x" }, "k", place()))).toBe("at k: must be an http(s) URL such as \"https://modelarts.cn-north-4.myhuaweicloud.com\"; the value (not shown, as it may hold a secret) is not one");
  });

  it("takes an empty value as unset where the place says so", () => {
    expect(readString({ k: "" }, "k", place({ emptyIsUnset: true }))).toBeUndefined();
    expect(readChecked({ k: "" }, "k", place({ emptyIsUnset: true }), regionProblem)).toBeUndefined();
    expect(readEndpoint({ k: "" }, "k", place({ emptyIsUnset: true }))).toBeUndefined();
  });

  it("gives endpoints in their normal form", () => {
    expect(readEndpoint({ k: "https://example.com/prefix//" }, "k", place())).toBe("https://example.com/prefix");
  });
});

describe("the three sources read alike", () => {
  // Options, environment and file each name the place their own way, but report the same problem.
  it.each([
    ["region", "CN-NORTH-4", "region", "MODELARTS_REGION"],
    ["endpoint", "ftp://example.com", "endpoint", "MODELARTS_ENDPOINT"],
    ["projectId", "a/b", "project_id", "HUAWEICLOUD_SDK_PROJECT_ID"],
  ])("%s", (option, value, yamlKey, envName) => {
    const problem = (fn: () => unknown) => configError(fn).message.replace(/^.*?(must .*)$/s, "$1");
    const fromOptions = problem(() => resolveContext({ [option]: value, credentials: { token: "t" } }, {}, sandbox().hooks));
    const fromEnv = problem(() => resolveContext({ credentials: { token: "t" } }, { [envName]: value }, sandbox().hooks));
    const box = sandbox();
    box.writeHomeConfig(`current-context: c\ncontexts:\n  - name: c\n    ${yamlKey}: "${value}"\n`);
    const fromFile = problem(() => resolveContext({}, {}, box.hooks));
    expect(fromEnv).toBe(fromOptions);
    expect(fromFile).toBe(fromOptions);
  });

  it("takes an empty environment variable as unset, but refuses an empty option or file value", () => {
    const hooks = sandbox().hooks;
    expect(resolveContext({ region: "cn-north-4", credentials: { token: "t" } }, { MODELARTS_ENDPOINT: "", MODELARTS_REGION: "" }, hooks).endpoint).toBe(
      "https://modelarts.cn-north-4.myhuaweicloud.com",
    );
    expect(configError(() => resolveContext({ region: "", credentials: { token: "t" } }, {}, hooks)).message).toBe("invalid option region: must not be empty");
    const box = sandbox();
    box.writeHomeConfig(`current-context: c\ncontexts:\n  - name: c\n    region: ""\n`);
    expect(configError(() => resolveContext({}, {}, box.hooks)).message).toContain('context "c": region must not be empty');
  });
});
