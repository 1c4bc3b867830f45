/**
 * Checks the options a caller passes. TypeScript already constrains them, but
 * JavaScript callers and values read from elsewhere (JSON, CLI flags) are not,
 * and a bad value is better reported here than as a signature mismatch later.
 */
import { Secret } from "../auth/secret.js";
import { ModelArtsConfigError } from "../errors.js";
import { layer, type Layer } from "./layer.js";
import { readChecked, readEndpoint, readString, type Place } from "./read.js";
import type { CredentialsProvider, ResolvedCredentials } from "./types.js";
import { credentialProblem, describeType, isRecord, projectIdProblem, regionProblem } from "./validate.js";

export interface OptionValues {
  context?: string;
  configFile?: string;
  layer: Layer;
}

/** Options at the top level, "invalid option region: …". */
const TOP: Place = { fail: (key, problem) => optionError(key, problem) };

export function readOptions(options: unknown): OptionValues {
  if (options === undefined || options === null) return { layer: { source: "options" } };
  if (!isRecord(options)) throw optionError("options", `must be an object, found ${describeType(options)}`);

  const values: OptionValues = {
    layer: layer("options", {
      region: readChecked(options, "region", TOP, regionProblem),
      endpoint: readEndpoint(options, "endpoint", TOP),
      projectId: readChecked(options, "projectId", TOP, projectIdProblem),
      credentials:
        typeof options["credentials"] === "function"
          ? { kind: "provider", provide: options["credentials"] as CredentialsProvider }
          : readCredentialsInput(options["credentials"], optionError),
    }),
  };
  const context = readString(options, "context", TOP);
  if (context !== undefined) values.context = context;
  const configFile = readString(options, "configFile", TOP);
  if (configFile !== undefined) values.configFile = configFile;
  return values;
}

/**
 * `{ ak, sk, securityToken? }` or `{ token }` as a caller passes it. `fail` words the
 * error for a field such as "credentials.sk", so that setContext can say where the
 * value was going rather than "invalid option".
 */
export function readCredentialsInput(value: unknown, fail: (field: string, problem: string) => ModelArtsConfigError): ResolvedCredentials | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw fail("credentials", `must be { ak, sk } or { token }, found ${describeType(value)}`);

  const inside: Place = { fail: (key, problem) => fail(`credentials.${key}`, problem) };
  const token = readSecret(value, "token", inside);
  const ak = readChecked(value, "ak", inside, credentialProblem);
  const sk = readSecret(value, "sk", inside);
  const securityToken = readSecret(value, "securityToken", inside);
  if (token !== undefined) {
    if (ak !== undefined || sk !== undefined) {
      throw fail("credentials.token", "cannot be combined with credentials.ak and credentials.sk; pass either { ak, sk } or { token }");
    }
    if (securityToken !== undefined) throw fail("credentials.securityToken", "goes with ak and sk, not with token");
    return { kind: "token", token };
  }
  if (ak === undefined) throw fail("credentials.ak", sk === undefined ? "is missing: pass { ak, sk } or { token }" : "is missing: sk is set, and AK and SK go together");
  if (sk === undefined) throw fail("credentials.sk", "is missing: ak is set, and AK and SK go together");
  return securityToken === undefined ? { kind: "aksk", ak, sk } : { kind: "aksk", ak, sk, securityToken };
}

/** Like `readString`, but a `Secret` is welcome too, and the result is always one. */
function readSecret(map: Record<string, unknown>, key: string, place: Place): Secret | undefined {
  const value = map[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" && !(value instanceof Secret)) {
    throw place.fail(key, `must be a string or a Secret, found ${describeType(value)}`);
  }
  const secret = Secret.from(value);
  if (secret.length === 0) throw place.fail(key, "must not be empty");
  const problem = credentialProblem(secret.reveal());
  if (problem !== undefined) throw place.fail(key, problem);
  return secret;
}

function optionError(field: string, problem: string): ModelArtsConfigError {
  return new ModelArtsConfigError(`invalid option ${field}: ${problem}`, { field });
}
