/**
 * The one reader of string settings, shared by the three sources (options,
 * environment, file). What differs between them (how an error names the place,
 * whether an empty value means "unset", which hint helps with a wrong type) is
 * passed in as a `Place`, so the checks themselves exist only once.
 */
import type { ModelArtsConfigError } from "../errors.js";
import type { Layer, SourceValues } from "./layer.js";
import type { ClientCredentials } from "./types.js";
import { describeType, endpointProblem, normalEndpoint, projectIdProblem, regionProblem } from "./validate.js";

/** A map being read (an options object, `process.env`, a context of the file) and how to word problems in it. */
export interface Place {
  /** The error for `problem` with the value under `key`, e.g. "invalid option region: must be …". */
  fail(key: string, problem: string): ModelArtsConfigError;
  /** True where "set to nothing" cannot be told from "unset" (environment variables); else "" is an error. */
  emptyIsUnset?: boolean;
  /** Words added after "must be a string, found a number", e.g. a quoting hint for YAML. */
  typeHint?(value: unknown): string;
}

export type ProblemOf = (value: string) => string | undefined;

/** A string, or undefined when the key is absent or null (or empty, where that means unset); anything else is an error. */
export function readString(map: Readonly<Record<string, unknown>>, key: string, place: Place): string | undefined {
  const value = map[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw place.fail(key, `must be a string, found ${describeType(value)}${place.typeHint?.(value) ?? ""}`);
  if (value === "") {
    if (place.emptyIsUnset) return undefined;
    throw place.fail(key, "must not be empty");
  }
  return value;
}

/** `readString`, then a check such as `regionProblem` whose problem is reported at the same place. */
export function readChecked(map: Readonly<Record<string, unknown>>, key: string, place: Place, problemOf: ProblemOf): string | undefined {
  const value = readString(map, key, place);
  const problem = value === undefined ? undefined : problemOf(value);
  if (problem !== undefined) throw place.fail(key, problem);
  return value;
}

/** `readString`, then `endpointProblem`; gives the endpoint in its normal form (no trailing slash). */
export function readEndpoint(map: Readonly<Record<string, unknown>>, key: string, place: Place): string | undefined {
  const value = readChecked(map, key, place, endpointProblem);
  return value === undefined ? undefined : normalEndpoint(value);
}

/**
 * Options or environment: region, endpoint, project id, context and config file under the
 * names this source gives them (`names`, in that order), with credentials read by the caller.
 */
export function readSource(source: Layer["source"], map: Readonly<Record<string, unknown>>, names: readonly string[], place: Place, credentials: ClientCredentials | undefined): SourceValues {
  const [region, endpoint, projectId, context, configFile] = names as [string, string, string, string, string];
  return {
    layer: {
      source,
      region: readChecked(map, region, place, regionProblem),
      endpoint: readEndpoint(map, endpoint, place),
      projectId: readChecked(map, projectId, place, projectIdProblem),
      credentials,
    },
    context: readString(map, context, place),
    configFile: readString(map, configFile, place),
  };
}
