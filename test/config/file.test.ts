import { homedir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Secret } from "../../src/auth/secret.js";
import { defaultConfigPath, loadConfigFile, resolveContext } from "../../src/config/index.js";
import { SECRETS, STANDARD_CONFIG, sandbox } from "./helpers.js";

describe("loadConfigFile", () => {
  it("returns the contexts in camelCase with secrets wrapped", () => {
    const box = sandbox();
    const path = box.write("config.yaml", STANDARD_CONFIG);
    const file = loadConfigFile(path, box.hooks);
    expect(file).toEqual({
      path,
      currentContext: "default",
      contexts: [
        { name: "default", region: "cn-north-4", projectId: "projfile", credentials: { kind: "aksk", ak: "AK_FILE", sk: expect.any(Secret) } },
        { name: "token-user", region: "cn-east-3", credentials: { kind: "token", token: expect.any(Secret) } },
        {
          name: "temp",
          endpoint: "http://127.0.0.1:8443",
          credentials: { kind: "aksk", ak: "AK_TEMP", sk: expect.any(Secret), securityToken: expect.any(Secret) },
        },
      ],
    });
    const temp = file.contexts[2]?.credentials;
    expect(temp?.kind === "aksk" && [temp.sk.reveal(), temp.securityToken?.reveal()]).toEqual([SECRETS.skTemp, SECRETS.stsTemp]);
  });

  it("resolves a relative path and a leading ~", () => {
    const box = sandbox();
    const path = box.write("home/cfg.yaml", STANDARD_CONFIG);
    expect(loadConfigFile("~/cfg.yaml", box.hooks).path).toBe(path);
    const cwd = vi.spyOn(process, "cwd").mockReturnValue(box.home);
    try {
      expect(loadConfigFile("cfg.yaml", box.hooks).path).toBe(path);
    } finally {
      cwd.mockRestore();
    }
  });

  it("reads flow style and quoted values like any YAML", () => {
    const box = sandbox();
    const path = box.write("flow.yaml", `{"current-context": a, contexts: [{name: a, region: 'cn-north-4', credentials: {ak: "A", sk: '${SECRETS.skFile}'}}]}`);
    expect(loadConfigFile(path, box.hooks).contexts[0]?.region).toBe("cn-north-4");
  });

  it("goes through the readFile hook", () => {
    const box = sandbox();
    const readFile = vi.fn(() => "contexts: []\n");
    expect(loadConfigFile("/virtual/config.yaml", { ...box.hooks, readFile })).toEqual({ path: "/virtual/config.yaml", contexts: [] });
    expect(readFile).toHaveBeenCalledWith("/virtual/config.yaml");
  });
});

describe("unknown keys", () => {
  it("are ignored with a warning that names them and their line", () => {
    const box = sandbox();
    const path = box.write("typo.yaml", "current-context: a\nkind: Config\ncontexts:\n  - name: a\n    project-id: abc\n");
    const file = loadConfigFile(path, box.hooks);
    expect(file.contexts).toEqual([{ name: "a" }]);
    expect(box.warnings).toEqual([
      { code: "MODELARTS_CONFIG_UNKNOWN_KEY", message: `${path}:1: unknown key "kind" ignored; known keys: current-context, contexts` },
      {
        code: "MODELARTS_CONFIG_UNKNOWN_KEY",
        message: `${path}:4: context "a": unknown key "project-id" ignored; known keys: name, region, project_id, endpoint, credentials`,
      },
    ]);
  });

  it("inside credentials are counted, not quoted, since a mistyped line there may be a secret", () => {
    const box = sandbox();
    const path = box.write("typo.yaml", `contexts:\n  - name: a\n    credentials:\n      token: t\n      ${SECRETS.tokenFile}: x\n`);
    loadConfigFile(path, box.hooks);
    expect(box.warnings.map((w) => w.message)).toEqual([
      `${path}:4: context "a": 1 unknown key in credentials ignored; known keys: ak, sk, security_token, token`,
    ]);
  });
});

describe("permission warning", () => {
  it.each([0o644, 0o640, 0o604, 0o660])("warns about mode %o, like ssh", (mode) => {
    const box = sandbox();
    const path = box.write("open.yaml", STANDARD_CONFIG, mode);
    loadConfigFile(path, box.hooks);
    const octal = `0${mode.toString(8)}`;
    expect(box.warnings).toEqual([
      { code: "MODELARTS_CONFIG_PERMISSIONS", message: `permissions ${octal} for '${path}' are too open; it holds credentials: chmod 600 ${path}` },
    ]);
  });

  it.each([0o600, 0o400])("stays quiet about mode %o", (mode) => {
    const box = sandbox();
    loadConfigFile(box.write("closed.yaml", STANDARD_CONFIG, mode), box.hooks);
    expect(box.warnings).toEqual([]);
  });

  it("stays quiet about a file without credentials", () => {
    const box = sandbox();
    loadConfigFile(box.write("public.yaml", "contexts:\n  - name: a\n    region: cn-north-4\n", 0o644), box.hooks);
    expect(box.warnings).toEqual([]);
  });

  it("warns when resolveContext reads the file, and still resolves", () => {
    const box = sandbox();
    box.writeHomeConfig(STANDARD_CONFIG, 0o644);
    expect(resolveContext({}, {}, box.hooks).context).toBe("default");
    expect(box.warnings.map((w) => w.code)).toEqual(["MODELARTS_CONFIG_PERMISSIONS"]);
  });

  it("quotes a path with spaces in the chmod hint", () => {
    const box = sandbox();
    const path = box.write("my dir/config.yaml", STANDARD_CONFIG, 0o644);
    loadConfigFile(path, box.hooks);
    expect(box.warnings[0]?.message).toContain(`chmod 600 '${path}'`);
  });

  it("skips the check where modes mean nothing (fileMode hook returns undefined)", () => {
    const box = sandbox();
    loadConfigFile(box.write("win.yaml", STANDARD_CONFIG, 0o644), { ...box.hooks, fileMode: () => undefined });
    expect(box.warnings).toEqual([]);
  });

  describe("without a warn hook", () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("goes to process.emitWarning with a code", () => {
      const box = sandbox();
      const emitWarning = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
      const path = box.write("open.yaml", STANDARD_CONFIG, 0o644);
      loadConfigFile(path, { homedir: box.hooks.homedir });
      expect(emitWarning).toHaveBeenCalledWith(expect.stringContaining("are too open"), { code: "MODELARTS_CONFIG_PERMISSIONS" });
    });
  });
});

describe("default paths", () => {
  it("defaultConfigPath is ~/.modelarts/config.yaml by default", () => {
    expect(defaultConfigPath({})).toBe(join(homedir(), ".modelarts", "config.yaml"));
    expect(defaultConfigPath({ MODELARTS_CONFIG: "" }, "/home/u")).toBe(join("/home/u", ".modelarts", "config.yaml"));
  });

  it("defaultConfigPath follows MODELARTS_CONFIG", () => {
    expect(defaultConfigPath({}, "/home/u")).toBe(join("/home/u", ".modelarts", "config.yaml"));
    expect(defaultConfigPath({ MODELARTS_CONFIG: "~/x.yaml" }, "/home/u")).toBe(join("/home/u", "x.yaml"));
    expect(defaultConfigPath({ MODELARTS_CONFIG: "/etc/m.yaml" }, "/home/u")).toBe("/etc/m.yaml");
  });
});

describe("the config module", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("does not look up the home directory when it is loaded", async () => {
    vi.resetModules();
    // The module reaches node:os through process.getBuiltinModule, which returns this very object.
    const os = process.getBuiltinModule("node:os");
    const homedirSpy = vi.spyOn(os, "homedir").mockReturnValue("/nowhere");
    const config = await import("../../src/config/index.js");
    expect(homedirSpy).not.toHaveBeenCalled();
    // The spy is in place: the lookup happens on use instead.
    expect(config.defaultConfigPath({})).toBe(join("/nowhere", ".modelarts", "config.yaml"));
    expect(homedirSpy).toHaveBeenCalledTimes(1);
  });

  it("exports only what the package entry point re-exports", async () => {
    const config = await import("../../src/config/index.js");
    expect(Object.keys(config).sort()).toEqual([
      "defaultConfigPath",
      "deleteContext",
      "describeConfig",
      "loadConfigFile",
      "resolveContext",
      "setContext",
      "useContext",
    ]);
  });
});
