/**
 * Checks the options a caller passes. TypeScript already constrains them, but
 * JavaScript callers and values read from elsewhere (JSON, CLI flags) are not,
 * and a bad value is better reported here than as a signature mismatch later.
 */
import { Secret } from "../auth/secret.js";
import { ModelArtsConfigError } from "../errors.js";
import type { SourceValues } from "./layer.js";
import { readChecked, readSource, type Place } from "./read.js";
import type { CredentialsProvider, ResolvedCredentials } from "./types.js";
import { credentialProblem, describeType, isRecord } from "./validate.js";

export function readOptions(options: unknown = {}): SourceValues {
  if (!isRecord(options)) throw optionError("options", `must be an object, found ${describeType(options)}`);
  const credentials = options["credentials"];
  return readSource(
    "options",
    options,
    (field) => field,
    { fail: optionError },
    typeof credentials === "function" ? { kind: "provider", provide: credentials as CredentialsProvider } : readCredentialsInput(credentials, optionError),
  );
}

/**
 * `{ ak, sk, securityToken? }` or `{ token }` as a caller passes it. `fail` words the
 * error for a field such as "credentials.sk", so that setContext can say where the
 * value was going rather than "invalid option".
 */
export function readCredentialsInput(value: unknown, fail: (field: string, problem: string) => ModelArtsConfigError): ResolvedCredentials | undefined {
  if (value == null) return undefined;
  if (!isRecord(value)) throw fail("credentials", `must be { ak, sk } or { token }, found ${describeType(value)}`);

  const inside: Place = { fail: (key, problem) => fail(`credentials.${key}`, problem) };
  // A Secret is read as the text it holds, and kept as it is.
  const secret = (key: string): Secret | undefined => {
    const given = value[key];
    return readChecked({ [key]: given instanceof Secret ? given.reveal() : given }, key, inside, credentialProblem) === undefined
      ? undefined
      : Secret.from(given as string | Secret);
  };
  const token = secret("token");
  const ak = readChecked(value, "ak", inside, credentialProblem);
  const sk = secret("sk");
  const securityToken = secret("securityToken");
  if (token !== undefined) {
    if (ak !== undefined || sk !== undefined) {
      throw fail("credentials.token", "cannot be combined with ak and sk: pass { ak, sk } or { token }");
    }
    if (securityToken !== undefined) throw fail("credentials.securityToken", "goes with ak and sk, not with token");
    return { kind: "token", token };
  }
  if (ak === undefined || sk === undefined) throw fail(`credentials.${ak === undefined ? "ak" : "sk"}`, "is missing: pass { ak, sk } or { token }");
  return { kind: "aksk", ak, sk, ...(securityToken && { securityToken }) };
}

function optionError(field: string, problem: string): ModelArtsConfigError {
  return new ModelArtsConfigError(`invalid option ${field}: ${problem}`, { field });
}
