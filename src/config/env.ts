/**
 * Environment variables: our own MODELARTS_* ones, plus the HUAWEICLOUD_SDK_* ones
 * the official Huawei Cloud SDKs read, so an existing setup keeps working.
 */
import { Secret } from "../auth/secret.js";
import { ModelArtsConfigError } from "../errors.js";
import { layer, type Layer } from "./layer.js";
import { readChecked, readEndpoint, readString, type Place } from "./read.js";
import type { Warn } from "./shape.js";
import type { ResolvedCredentials } from "./types.js";
import { credentialProblem, projectIdProblem, regionProblem } from "./validate.js";

export const ENV = {
  configFile: "MODELARTS_CONFIG",
  context: "MODELARTS_CONTEXT",
  endpoint: "MODELARTS_ENDPOINT",
  region: "MODELARTS_REGION",
  ak: "HUAWEICLOUD_SDK_AK",
  sk: "HUAWEICLOUD_SDK_SK",
  securityToken: "HUAWEICLOUD_SDK_SECURITY_TOKEN",
  projectId: "HUAWEICLOUD_SDK_PROJECT_ID",
} as const;

/**
 * "invalid environment variable MODELARTS_REGION: …". Shells make "unset" and
 * "set to nothing" hard to tell apart, so empty counts as unset.
 */
const ENVIRONMENT: Place = {
  fail: (name, problem) => new ModelArtsConfigError(`invalid environment variable ${name}: ${problem}`, { field: name }),
  emptyIsUnset: true,
};

export interface EnvValues {
  context?: string;
  configFile?: string;
  layer: Layer;
}

/**
 * `warnAboutCredentials` is false when options already carry credentials: then
 * the environment's credentials do not matter, and are neither read nor reported.
 */
export function readEnv(env: Readonly<Record<string, string | undefined>>, warn: Warn, warnAboutCredentials: boolean): EnvValues {
  const values: EnvValues = {
    layer: layer("env", {
      region: readChecked(env, ENV.region, ENVIRONMENT, regionProblem),
      endpoint: readEndpoint(env, ENV.endpoint, ENVIRONMENT),
      projectId: readChecked(env, ENV.projectId, ENVIRONMENT, projectIdProblem),
      // Credentials given as options win, so the environment's are then not read at all: a stale
      // variable with a stray line break must not stop a client whose options are sound.
      credentials: warnAboutCredentials ? readCredentials(env, warn) : undefined,
    }),
  };
  const context = read(env, ENV.context);
  if (context !== undefined) values.context = context;
  const configFile = read(env, ENV.configFile);
  if (configFile !== undefined) values.configFile = configFile;
  return values;
}

function read(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  return readString(env, name, ENVIRONMENT);
}

function readCredentials(env: Readonly<Record<string, string | undefined>>, warn: Warn): ResolvedCredentials | undefined {
  const ak = readChecked(env, ENV.ak, ENVIRONMENT, credentialProblem);
  const sk = readChecked(env, ENV.sk, ENVIRONMENT, credentialProblem);
  if (ak === undefined || sk === undefined) {
    const [set, unset] = ak !== undefined ? [ENV.ak, ENV.sk] : [ENV.sk, ENV.ak];
    if (ak !== undefined || sk !== undefined) {
      warn(`${set} is set but ${unset} is not; both are ignored, as they only count as a pair`, "MODELARTS_CONFIG_ENV");
    }
    return undefined;
  }
  // A security token belongs to the AK/SK it was issued with, so it is only taken together with the pair here.
  const securityToken = readChecked(env, ENV.securityToken, ENVIRONMENT, credentialProblem);
  return securityToken === undefined
    ? { kind: "aksk", ak, sk: new Secret(sk) }
    : { kind: "aksk", ak, sk: new Secret(sk), securityToken: new Secret(securityToken) };
}
