/**
 * Environment variables: our own MODELARTS_* ones, plus the HUAWEICLOUD_SDK_* ones
 * the official Huawei Cloud SDKs read, so an existing setup keeps working.
 */
import { Secret } from "../auth/secret.js";
import { ModelArtsConfigError } from "../errors.js";
import type { SourceValues } from "./layer.js";
import { readChecked, readSource, type Place } from "./read.js";
import type { Warn } from "./shape.js";
import type { ResolvedCredentials } from "./types.js";
import { credentialProblem } from "./validate.js";

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

/**
 * `warnAboutCredentials` is false when options already carry credentials: then
 * the environment's credentials do not matter, and are neither read nor reported.
 * (Credentials given as options win, so a stale variable with a stray line break must
 * not stop a client whose options are sound.)
 */
export function readEnv(env: Readonly<Record<string, string | undefined>>, warn: Warn, warnAboutCredentials: boolean): SourceValues {
  return readSource(
    "env",
    env,
    (field) => ENV[field],
    ENVIRONMENT,
    warnAboutCredentials ? readCredentials(env, warn) : undefined,
  );
}

function readCredentials(env: Readonly<Record<string, string | undefined>>, warn: Warn): ResolvedCredentials | undefined {
  const ak = readChecked(env, ENV.ak, ENVIRONMENT, credentialProblem);
  const sk = readChecked(env, ENV.sk, ENVIRONMENT, credentialProblem);
  if (ak === undefined || sk === undefined) {
    if (ak !== sk) warn(`${ENV.ak} and ${ENV.sk} go together: one is set without the other, and both are ignored`, "MODELARTS_CONFIG_ENV");
    return undefined;
  }
  // A security token belongs to the AK/SK it was issued with, so it is only taken together with the pair here.
  const securityToken = readChecked(env, ENV.securityToken, ENVIRONMENT, credentialProblem);
  return { kind: "aksk", ak, sk: new Secret(sk), ...(securityToken && { securityToken: new Secret(securityToken) }) };
}
