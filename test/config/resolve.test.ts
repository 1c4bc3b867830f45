import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { Secret } from "../../src/auth/secret.js";
import { resolveContext, type ConfigOptions, type ClientCredentials } from "../../src/config/index.js";
import { SECRETS, STANDARD_CONFIG, configError, sandbox } from "./helpers.js";

const ENV_CREDENTIALS = { HUAWEICLOUD_SDK_AK: "AK_ENV", HUAWEICLOUD_SDK_SK: SECRETS.skEnv };
const OPTION_CREDENTIALS = { ak: "AK_OPTION", sk: SECRETS.skOption };

function reveal(credentials: ClientCredentials): Record<string, string> {
  if (credentials.kind === "provider") return { kind: "provider" };
  return credentials.kind === "token"
    ? { kind: "token", token: credentials.token.reveal() }
    : {
        kind: "aksk",
        ak: credentials.ak,
        sk: credentials.sk.reveal(),
        ...(credentials.securityToken ? { securityToken: credentials.securityToken.reveal() } : {}),
      };
}

describe("resolveContext from the config file", () => {
  it("uses the current-context of ~/.modelarts/config.yaml", () => {
    const box = sandbox();
    const path = box.writeHomeConfig(STANDARD_CONFIG);
    const config = resolveContext({}, {}, box.hooks);
    expect(config).toMatchObject({
      endpoint: "https://modelarts.cn-north-4.myhuaweicloud.com",
      region: "cn-north-4",
      projectId: "projfile",
      context: "default",
      configFile: path,
      sources: { endpoint: "file", projectId: "file", credentials: "file" },
    });
    expect(reveal(config.credentials)).toEqual({ kind: "aksk", ak: "AK_FILE", sk: SECRETS.skFile });
    expect(box.warnings).toEqual([]);
  });

  it("follows MODELARTS_CONFIG to another file", () => {
    const box = sandbox();
    const path = box.write("elsewhere/config.yaml", STANDARD_CONFIG);
    const config = resolveContext({}, { MODELARTS_CONFIG: path }, box.hooks);
    expect(config.configFile).toBe(path);
    expect(config.context).toBe("default");
  });

  it("expands a leading ~ in MODELARTS_CONFIG to the home directory", () => {
    const box = sandbox();
    box.write("home/other.yaml", STANDARD_CONFIG);
    const config = resolveContext({}, { MODELARTS_CONFIG: "~/other.yaml" }, box.hooks);
    expect(config.configFile).toBe(join(box.home, "other.yaml"));
  });

  it("lets option configFile win over MODELARTS_CONFIG", () => {
    const box = sandbox();
    const chosen = box.write("chosen.yaml", STANDARD_CONFIG.replace("current-context: default", "current-context: temp"));
    const ignored = box.write("ignored.yaml", STANDARD_CONFIG);
    const config = resolveContext({ configFile: chosen }, { MODELARTS_CONFIG: ignored }, box.hooks);
    expect(config.configFile).toBe(chosen);
    expect(config.context).toBe("temp");
  });

  it("chooses the context: option context, else MODELARTS_CONTEXT, else current-context", () => {
    const box = sandbox();
    box.writeHomeConfig(STANDARD_CONFIG);
    expect(resolveContext({ context: "temp" }, { MODELARTS_CONTEXT: "token-user" }, box.hooks).context).toBe("temp");
    expect(resolveContext({}, { MODELARTS_CONTEXT: "token-user" }, box.hooks).context).toBe("token-user");
    expect(resolveContext({}, {}, box.hooks).context).toBe("default");
  });

  it("reads token contexts", () => {
    const box = sandbox();
    box.writeHomeConfig(STANDARD_CONFIG);
    const config = resolveContext({ context: "token-user" }, {}, box.hooks);
    expect(reveal(config.credentials)).toEqual({ kind: "token", token: SECRETS.tokenFile });
    expect(config.credentials.kind === "token" && config.credentials.token).toBeInstanceOf(Secret);
    expect(config.endpoint).toBe("https://modelarts.cn-east-3.myhuaweicloud.com");
  });

  it("reads temporary credentials with security_token, and a context endpoint without its trailing slash", () => {
    const box = sandbox();
    box.writeHomeConfig(STANDARD_CONFIG);
    const config = resolveContext({ context: "temp" }, {}, box.hooks);
    expect(reveal(config.credentials)).toEqual({ kind: "aksk", ak: "AK_TEMP", sk: SECRETS.skTemp, securityToken: SECRETS.stsTemp });
    expect(config.endpoint).toBe("http://127.0.0.1:8443");
    expect(config.region).toBeUndefined();
    expect(config.projectId).toBeUndefined();
    expect(config.sources.projectId).toBe("default");
  });
});

describe("precedence: options, then environment, then file", () => {
  // The "temp" context has an endpoint, so every row also checks that a higher source beats an explicit file endpoint.
  const endpointCases: { name: string; options: ConfigOptions; env: NodeJS.ProcessEnv; endpoint: string; region?: string; source: string }[] = [
    {
      name: "option endpoint beats everything",
      options: { endpoint: "https://proxy.example.com/modelarts/", region: "ap-southeast-1" },
      env: { MODELARTS_ENDPOINT: "https://env.example.com", MODELARTS_REGION: "cn-south-1" },
      endpoint: "https://proxy.example.com/modelarts",
      region: "ap-southeast-1",
      source: "options",
    },
    {
      name: "option region beats the environment's endpoint",
      options: { region: "ap-southeast-1" },
      env: { MODELARTS_ENDPOINT: "https://env.example.com", MODELARTS_REGION: "cn-south-1" },
      endpoint: "https://modelarts.ap-southeast-1.myhuaweicloud.com",
      region: "ap-southeast-1",
      source: "options",
    },
    {
      name: "MODELARTS_ENDPOINT beats MODELARTS_REGION and the file",
      options: {},
      env: { MODELARTS_ENDPOINT: "https://env.example.com/", MODELARTS_REGION: "cn-south-1" },
      endpoint: "https://env.example.com",
      region: "cn-south-1",
      source: "env",
    },
    {
      name: "MODELARTS_REGION beats the file's endpoint",
      options: {},
      env: { MODELARTS_REGION: "cn-south-1" },
      endpoint: "https://modelarts.cn-south-1.myhuaweicloud.com",
      region: "cn-south-1",
      source: "env",
    },
    {
      name: "the file's endpoint is the last resort",
      options: {},
      env: {},
      endpoint: "http://127.0.0.1:8443",
      source: "file",
    },
  ];

  it.each(endpointCases)("endpoint: $name", ({ options, env, endpoint, region, source }) => {
    const box = sandbox();
    box.writeHomeConfig(STANDARD_CONFIG);
    const config = resolveContext({ context: "temp", ...options }, env, box.hooks);
    expect(config.endpoint).toBe(endpoint);
    expect(config.region).toBe(region);
    expect(config.sources.endpoint).toBe(source);
  });

  it("endpoint: within the file, a context's endpoint beats its region", () => {
    const box = sandbox();
    box.writeHomeConfig(`current-context: both
contexts:
  - name: both
    region: cn-north-4
    endpoint: https://local.example.com:9443
    credentials: { token: ${SECRETS.tokenFile} }
`);
    const config = resolveContext({}, {}, box.hooks);
    expect(config.endpoint).toBe("https://local.example.com:9443");
    expect(config.region).toBe("cn-north-4");
  });

  it("projectId: option, then HUAWEICLOUD_SDK_PROJECT_ID, then project_id", () => {
    const box = sandbox();
    box.writeHomeConfig(STANDARD_CONFIG);
    const env = { HUAWEICLOUD_SDK_PROJECT_ID: "projenv" };
    const fromOptions = resolveContext({ projectId: "projoption" }, env, box.hooks);
    expect([fromOptions.projectId, fromOptions.sources.projectId]).toEqual(["projoption", "options"]);
    const fromEnv = resolveContext({}, env, box.hooks);
    expect([fromEnv.projectId, fromEnv.sources.projectId]).toEqual(["projenv", "env"]);
    const fromFile = resolveContext({}, {}, box.hooks);
    expect([fromFile.projectId, fromFile.sources.projectId]).toEqual(["projfile", "file"]);
  });

  it("credentials: options beat the environment", () => {
    const box = sandbox();
    box.writeHomeConfig(STANDARD_CONFIG);
    const config = resolveContext({ credentials: OPTION_CREDENTIALS }, ENV_CREDENTIALS, box.hooks);
    expect(reveal(config.credentials)).toEqual({ kind: "aksk", ak: "AK_OPTION", sk: SECRETS.skOption });
    expect(config.sources.credentials).toBe("options");
  });

  it("credentials: the environment beats the file, with its security token", () => {
    const box = sandbox();
    box.writeHomeConfig(STANDARD_CONFIG);
    const env = { ...ENV_CREDENTIALS, HUAWEICLOUD_SDK_SECURITY_TOKEN: SECRETS.stsEnv };
    const config = resolveContext({}, env, box.hooks);
    expect(reveal(config.credentials)).toEqual({ kind: "aksk", ak: "AK_ENV", sk: SECRETS.skEnv, securityToken: SECRETS.stsEnv });
    expect(config.sources).toEqual({ endpoint: "file", projectId: "file", credentials: "env" });
  });

  it("credentials: a half AK/SK pair in the environment is ignored, with a warning", () => {
    const box = sandbox();
    box.writeHomeConfig(STANDARD_CONFIG);
    const config = resolveContext({}, { HUAWEICLOUD_SDK_AK: "AK_ENV", HUAWEICLOUD_SDK_SECURITY_TOKEN: SECRETS.stsEnv }, box.hooks);
    expect(reveal(config.credentials)).toEqual({ kind: "aksk", ak: "AK_FILE", sk: SECRETS.skFile });
    expect(box.warnings).toEqual([
      { code: "MODELARTS_CONFIG_ENV", message: expect.stringContaining("HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK go together: one is set without the other") },
    ]);
  });

  it("credentials: a half pair is not worth a warning when options carry credentials", () => {
    const box = sandbox();
    resolveContext({ region: "cn-north-4", credentials: OPTION_CREDENTIALS }, { HUAWEICLOUD_SDK_SK: SECRETS.skEnv }, box.hooks);
    expect(box.warnings).toEqual([]);
  });

  it("credentials: strings from options become Secrets, Secrets are kept", () => {
    const box = sandbox();
    const sk = new Secret(SECRETS.skOption);
    const aksk = resolveContext({ region: "cn-north-4", credentials: { ak: "AK_OPTION", sk, securityToken: SECRETS.stsEnv } }, {}, box.hooks);
    expect(aksk.credentials.kind === "aksk" && aksk.credentials.sk).toBe(sk);
    expect(aksk.credentials.kind === "aksk" && aksk.credentials.securityToken).toBeInstanceOf(Secret);
    const token = resolveContext({ region: "cn-north-4", credentials: { token: SECRETS.tokenOption } }, {}, box.hooks);
    expect(token.credentials.kind === "token" && token.credentials.token).toBeInstanceOf(Secret);
    expect(reveal(token.credentials)).toEqual({ kind: "token", token: SECRETS.tokenOption });
  });

  it("treats empty environment variables as unset", () => {
    const box = sandbox();
    box.writeHomeConfig(STANDARD_CONFIG);
    const config = resolveContext({}, { MODELARTS_CONTEXT: "", MODELARTS_REGION: "", HUAWEICLOUD_SDK_AK: "", HUAWEICLOUD_SDK_SK: "" }, box.hooks);
    expect(config.context).toBe("default");
    expect(config.sources).toEqual({ endpoint: "file", projectId: "file", credentials: "file" });
  });
});

describe("when the file is read", () => {
  function spyingHooks(box: ReturnType<typeof sandbox>) {
    const readFile = vi.fn((path: string) => {
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    });
    return { readFile, hooks: { ...box.hooks, readFile } };
  }

  it("needs no file when options give the endpoint and credentials", () => {
    const box = sandbox();
    const { readFile, hooks } = spyingHooks(box);
    const config = resolveContext({ endpoint: "http://127.0.0.1:8443", credentials: { token: SECRETS.tokenOption } }, {}, hooks);
    expect(readFile).not.toHaveBeenCalled();
    expect(config).toEqual({
      endpoint: "http://127.0.0.1:8443",
      credentials: { kind: "token", token: expect.any(Secret) },
      sources: { endpoint: "options", projectId: "default", credentials: "options" },
    });
  });

  it("needs no file when options give the region and the environment gives credentials", () => {
    const box = sandbox();
    const { readFile, hooks } = spyingHooks(box);
    const config = resolveContext({ region: "cn-north-4", projectId: "p1" }, ENV_CREDENTIALS, hooks);
    expect(readFile).not.toHaveBeenCalled();
    expect(config.configFile).toBeUndefined();
    expect(config.context).toBeUndefined();
    expect(config.sources).toEqual({ endpoint: "options", projectId: "options", credentials: "env" });
  });

  it("does not read an existing file when nothing is missing and nothing was named", () => {
    const box = sandbox();
    box.writeHomeConfig("this: [is not read");
    const config = resolveContext({}, { ...ENV_CREDENTIALS, MODELARTS_ENDPOINT: "http://127.0.0.1:1" }, box.hooks);
    expect(config.configFile).toBeUndefined();
  });

  it("reads the file when a context is named, even with everything given", () => {
    const box = sandbox();
    const path = box.writeHomeConfig(STANDARD_CONFIG);
    const options = { region: "cn-north-4", credentials: OPTION_CREDENTIALS };
    const config = resolveContext(options, { MODELARTS_CONTEXT: "default" }, box.hooks);
    expect([config.configFile, config.context, config.projectId]).toEqual([path, "default", "projfile"]);
    expect(config.sources).toEqual({ endpoint: "options", projectId: "file", credentials: "options" });
  });

  it("reads a named file without current-context when nothing is missing", () => {
    const box = sandbox();
    const path = box.write("plain.yaml", "contexts: []\n");
    const config = resolveContext({ region: "cn-north-4", credentials: OPTION_CREDENTIALS, configFile: path }, {}, box.hooks);
    expect(config.configFile).toBe(path);
    expect(config.context).toBeUndefined();
  });

  it("fails when a named file is missing, even with everything given", () => {
    const box = sandbox();
    const missing = join(box.root, "nope.yaml");
    const error = configError(() => resolveContext({ region: "cn-north-4", credentials: OPTION_CREDENTIALS }, { MODELARTS_CONFIG: missing }, box.hooks));
    expect(error.message).toBe(`config file ${missing} (named by MODELARTS_CONFIG) does not exist`);
    expect(error.file).toBe(missing);
  });
});
