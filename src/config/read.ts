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
  /**
   * The error for `problem` with the value under `key`, e.g. "invalid option region: must be …";
   * `refused` is the value when it is not a string at all, for a source's own hint (a YAML file's
   * "put the value in quotes").
   */
  fail(key: string, problem: string, refused?: unknown): ModelArtsConfigError;
  /** True where "set to nothing" cannot be told from "unset" (environment variables); else "" is an error. */
  emptyIsUnset?: boolean;
}

export type ProblemOf = (value: string) => string | undefined;

/** A string, or undefined when the key is absent or null (or empty, where that means unset); anything else is an error. */
export function readString(map: Readonly<Record<string, unknown>>, key: string, place: Place): string | undefined {
  const value = map[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw place.fail(key, `must be a string, found ${describeType(value)}`, value);
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
 * names this source gives them (`nameOf`), with credentials read by the caller.
 */
export function readSource(
  source: Layer["source"],
  map: Readonly<Record<string, unknown>>,
  nameOf: (field: "region" | "endpoint" | "projectId" | "context" | "configFile") => string,
  place: Place,
  credentials: ClientCredentials | undefined,
): SourceValues {
  return {
    layer: {
      source,
      region: readChecked(map, nameOf("region"), place, regionProblem),
      endpoint: readEndpoint(map, nameOf("endpoint"), place),
      projectId: readChecked(map, nameOf("projectId"), place, projectIdProblem),
      credentials,
    },
    context: readString(map, nameOf("context"), place),
    configFile: readString(map, nameOf("configFile"), place),
  };
}
