/**
 * Turns the parsed YAML of a config file into a `ConfigFile`, checking every
 * context's types. Completeness (does the chosen context have a region and
 * credentials?) is left to resolution, because options and the environment can
 * fill the gaps; a credentials block, though, must make sense on its own.
 */
import { ModelArtsConfigError } from "../errors.js";
import { Secret } from "../auth/secret.js";
import { readChecked, readEndpoint, readString, type Place } from "./read.js";
import type { ConfigContext, ConfigFile, ConfigWarningCode, ResolvedCredentials } from "./types.js";
import { credentialProblem, describeType, isRecord, projectIdProblem, regionProblem } from "./validate.js";

export type YamlPath = readonly (string | number)[];
/** Line (1-based) of the YAML node at a path, when the parser knows it. */
export type Locator = (path: YamlPath) => number | undefined;
export type Warn = (message: string, code: ConfigWarningCode) => void;

const TOP_LEVEL_KEYS = ["current-context", "contexts"];
export const CONTEXT_KEYS = ["name", "region", "project_id", "endpoint", "credentials"];
const CREDENTIAL_KEYS = ["ak", "sk", "security_token", "token"];

/** Where in the file we are, for error messages. */
interface Scope {
  file: string;
  locate: Locator;
  warn: Warn;
  availableContexts: string[];
  /** YAML path of the mapping being read. */
  path: YamlPath;
  /** Context name, once known. */
  context?: string;
  /** "context \"default\": " or "contexts[2]: " or "" at the top level. */
  label: string;
}

export function checkConfigShape(raw: unknown, file: string, locate: Locator, warn: Warn): ConfigFile {
  const top: Scope = { file, locate, warn, availableContexts: [], path: [], label: "" };
  if (!isRecord(raw)) {
    throw fail(top, undefined, `${file} must be a mapping with "current-context:" and "contexts:" at the top level, found ${describeType(raw)}`);
  }
  warnUnknownKeys(raw, TOP_LEVEL_KEYS, top, true);

  const rawContexts = raw["contexts"];
  if (rawContexts === undefined || rawContexts === null) {
    throw fail(top, "contexts", `${at(top, [])}"contexts:" is missing; it should list the contexts, each with a name`);
  }
  if (!Array.isArray(rawContexts)) {
    throw invalid(top, "contexts", ["contexts"], `must be a list of contexts, found ${describeType(rawContexts)}`);
  }
  top.availableContexts = rawContexts.flatMap((entry) => (isRecord(entry) && typeof entry["name"] === "string" ? [entry["name"]] : []));

  const currentContext = readString(raw, "current-context", place(top));
  const contexts = rawContexts.map((entry, index) => checkContext(entry, index, top));
  rejectDuplicateNames(contexts, top);
  return currentContext === undefined ? { path: file, contexts } : { path: file, currentContext, contexts };
}

function checkContext(entry: unknown, index: number, top: Scope): ConfigContext {
  const path = ["contexts", index];
  const entryScope: Scope = { ...top, path, label: `contexts[${index}]: ` };
  if (!isRecord(entry)) {
    throw fail(entryScope, `contexts[${index}]`, `${at(entryScope, [])}contexts[${index}] must be a mapping with a name, found ${describeType(entry)}`);
  }
  const name = readString(entry, "name", place(entryScope));
  if (name === undefined) throw missing(entryScope, "name", "every context needs a name");

  const scope: Scope = { ...entryScope, context: name, label: `context "${name}": ` };
  warnUnknownKeys(entry, CONTEXT_KEYS, scope, true);
  const context: ConfigContext = { name };
  const here = place(scope);
  const region = readChecked(entry, "region", here, regionProblem);
  if (region !== undefined) context.region = region;
  const projectId = readChecked(entry, "project_id", here, projectIdProblem);
  if (projectId !== undefined) context.projectId = projectId;
  const endpoint = readEndpoint(entry, "endpoint", here);
  if (endpoint !== undefined) context.endpoint = endpoint;
  const credentials = checkCredentials(entry["credentials"], { ...scope, path: [...path, "credentials"] });
  if (credentials !== undefined) context.credentials = credentials;
  return context;
}

function checkCredentials(raw: unknown, scope: Scope): ResolvedCredentials | undefined {
  // An empty "credentials:" is how people comment a block out; it means "not set here".
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    throw invalid({ ...scope, path: scope.path.slice(0, -1) }, "credentials", ["credentials"], `must be a mapping with ak and sk, or token, found ${describeType(raw)}`);
  }
  // Key names inside credentials are not echoed: a mistyped line there may hold a secret.
  warnUnknownKeys(raw, CREDENTIAL_KEYS, scope, false);
  const here = place(scope, "credentials.");
  const ak = readChecked(raw, "ak", here, credentialProblem);
  const sk = readChecked(raw, "sk", here, credentialProblem);
  const securityToken = readChecked(raw, "security_token", here, credentialProblem);
  const token = readChecked(raw, "token", here, credentialProblem);

  if (token !== undefined) {
    if (ak !== undefined || sk !== undefined) {
      throw invalid(scope, "credentials.token", [], "cannot be combined with credentials.ak and credentials.sk; keep either ak/sk or token");
    }
    if (securityToken !== undefined) {
      throw invalid(scope, "credentials.security_token", [], "goes with ak and sk (temporary credentials), not with token");
    }
    return { kind: "token", token: new Secret(token) };
  }
  if (ak === undefined && sk === undefined) {
    throw missing(scope, "credentials.ak", "credentials needs ak and sk, or token");
  }
  if (ak === undefined) throw missing(scope, "credentials.ak", "credentials.sk is set, and AK and SK go together");
  if (sk === undefined) throw missing(scope, "credentials.sk", "credentials.ak is set, and AK and SK go together");
  return securityToken === undefined
    ? { kind: "aksk", ak, sk: new Secret(sk) }
    : { kind: "aksk", ak, sk: new Secret(sk), securityToken: new Secret(securityToken) };
}

function rejectDuplicateNames(contexts: ConfigContext[], top: Scope): void {
  const seen = new Set<string>();
  contexts.forEach(({ name }, index) => {
    if (seen.has(name)) {
      const scope: Scope = { ...top, path: ["contexts", index], context: name, label: `context "${name}": ` };
      throw invalid(scope, "name", ["name"], "is used by an earlier context too; context names must be unique");
    }
    seen.add(name);
  });
}

/**
 * The mapping at `scope` as a place to read from: errors give file, line, context
 * and the field as `prefix` + key ("credentials.sk").
 */
function place(scope: Scope, prefix = ""): Place {
  return {
    // YAML reads 0123 as the number 123 and yes as true: quoting is the usual fix.
    fail: (key, problem, refused) =>
      invalid(scope, `${prefix}${key}`, [key], typeof refused === "number" || typeof refused === "boolean" ? `${problem} (put the value in quotes)` : problem),
  };
}

function warnUnknownKeys(map: Record<string, unknown>, known: string[], scope: Scope, echoNames: boolean): void {
  const unknown = Object.keys(map).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const what = echoNames
    ? `unknown ${unknown.length === 1 ? "key" : "keys"} ${unknown.map((key) => `"${key}"`).join(", ")}`
    : `${unknown.length} unknown ${unknown.length === 1 ? "key" : "keys"} in credentials`;
  scope.warn(`${at(scope, [])}${scope.label}${what} ignored; known keys: ${known.join(", ")}`, "MODELARTS_CONFIG_UNKNOWN_KEY");
}

/** "/path/config.yaml:7: " — the usual compiler-style prefix, line when known. */
function at(scope: Scope, relative: YamlPath): string {
  const line = scope.locate([...scope.path, ...relative]) ?? scope.locate(scope.path);
  return line === undefined ? `${scope.file}: ` : `${scope.file}:${line}: `;
}

function invalid(scope: Scope, field: string, relative: YamlPath, problem: string): ModelArtsConfigError {
  return fail(scope, field, `${at(scope, relative)}${scope.label}${field} ${problem}`);
}

function missing(scope: Scope, field: string, why: string): ModelArtsConfigError {
  return fail(scope, field, `${at(scope, [])}${scope.label}${field} is missing: ${why}`);
}

function fail(scope: Scope, field: string | undefined, message: string): ModelArtsConfigError {
  return new ModelArtsConfigError(message, {
    file: scope.file,
    context: scope.context,
    field,
    availableContexts: scope.availableContexts,
  });
}
