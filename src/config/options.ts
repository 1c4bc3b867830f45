/**
 * Checks the options a caller passes. TypeScript already constrains them, but
 * JavaScript callers and values read from elsewhere (JSON, CLI flags) are not,
 * and a bad value is better reported here than as a signature mismatch later.
 */
import { Secret } from "../auth/secret.js";
import { ModelArtsConfigError } from "../errors.js";
import { layer, type Layer } from "./layer.js";
import type { ResolvedCredentials } from "./types.js";
import { checkEndpoint, describeType, isRecord, projectIdProblem, regionProblem } from "./validate.js";

export interface OptionValues {
  context?: string;
  configFile?: string;
  layer: Layer;
}

export function readOptions(options: unknown): OptionValues {
  if (options === undefined || options === null) return { layer: { source: "options" } };
  if (!isRecord(options)) throw optionError("options", `must be an object, found ${describeType(options)}`);

  const values: OptionValues = {
    layer: layer("options", {
      region: checked(options, "region", regionProblem),
      endpoint: readEndpoint(options),
      projectId: checked(options, "projectId", projectIdProblem),
      credentials: readCredentials(options["credentials"]),
    }),
  };
  const context = readString(options, "context", "context");
  if (context !== undefined) values.context = context;
  const configFile = readString(options, "configFile", "configFile");
  if (configFile !== undefined) values.configFile = configFile;
  return values;
}

function readCredentials(value: unknown): ResolvedCredentials | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw optionError("credentials", `must be { ak, sk } or { token }, found ${describeType(value)}`);

  const token = readSecret(value, "token");
  const ak = readString(value, "ak", "credentials.ak");
  const sk = readSecret(value, "sk");
  const securityToken = readSecret(value, "securityToken");
  if (token !== undefined) {
    if (ak !== undefined || sk !== undefined) {
      throw optionError("credentials.token", "cannot be combined with credentials.ak and credentials.sk; pass either { ak, sk } or { token }");
    }
    if (securityToken !== undefined) throw optionError("credentials.securityToken", "goes with ak and sk, not with token");
    return { kind: "token", token };
  }
  if (ak === undefined) throw optionError("credentials.ak", sk === undefined ? "is missing: pass { ak, sk } or { token }" : "is missing: sk is set, and AK and SK go together");
  if (sk === undefined) throw optionError("credentials.sk", "is missing: ak is set, and AK and SK go together");
  return securityToken === undefined ? { kind: "aksk", ak, sk } : { kind: "aksk", ak, sk, securityToken };
}

function readString(map: Record<string, unknown>, key: string, field: string): string | undefined {
  const value = map[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw optionError(field, `must be a string, found ${describeType(value)}`);
  if (value === "") throw optionError(field, "must not be empty");
  return value;
}

function readSecret(map: Record<string, unknown>, key: string): Secret | undefined {
  const value = map[key];
  const field = `credentials.${key}`;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" && !(value instanceof Secret)) {
    throw optionError(field, `must be a string or a Secret, found ${describeType(value)}`);
  }
  const secret = Secret.from(value);
  if (secret.length === 0) throw optionError(field, "must not be empty");
  return secret;
}

function checked(map: Record<string, unknown>, key: string, problemOf: (value: string) => string | undefined): string | undefined {
  const value = readString(map, key, key);
  const problem = value === undefined ? undefined : problemOf(value);
  if (problem !== undefined) throw optionError(key, problem);
  return value;
}

function readEndpoint(map: Record<string, unknown>): string | undefined {
  const value = readString(map, "endpoint", "endpoint");
  if (value === undefined) return undefined;
  const result = checkEndpoint(value);
  if ("problem" in result) throw optionError("endpoint", result.problem);
  return result.endpoint;
}

function optionError(field: string, problem: string): ModelArtsConfigError {
  return new ModelArtsConfigError(`invalid option ${field}: ${problem}`, { field });
}
