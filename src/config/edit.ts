/**
 * Showing and editing the config file, for the command line's `config view`,
 * `get-contexts`, `use-context`, `set-context` and `delete-context`.
 *
 * An edit goes through the `yaml` Document API so that comments, key order and
 * unknown keys of a hand-written file survive. Every edit is checked by loading
 * the new text with the client's own reader and comparing it with what was meant,
 * then written to a 0600 temp file in the same folder and renamed over the old
 * one: a crash leaves either the old file or the new one, never half of either.
 *
 * Edits use the real file system: of the hooks only `homedir` and `warn` apply.
 */
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { Document, isMap, isScalar, isSeq, parseDocument, type Pair, type YAMLMap, type YAMLSeq } from "yaml";
import type { Secret } from "../auth/secret.js";
import { ModelArtsConfigError } from "../errors.js";
import { defaultConfigPath, describeReadError, expandPath, homeOf, loadConfigFileIfExists, warnerOf } from "./file.js";
import { readCredentialsInput } from "./options.js";
import { readChecked, readEndpoint, readString, type Place } from "./read.js";
import { CONTEXT_KEYS } from "./shape.js";
import type { ConfigContext, ConfigFile, ConfigHooks, ConfigOptions, ResolvedCredentials } from "./types.js";
import { describeType, isRecord, projectIdProblem, quote, refusal, regionProblem } from "./validate.js";

// Names are typed on command lines and printed in messages, so they keep to
// characters no shell or YAML treats specially; ":" "@" "/" allow names such as
// "prod@cn-north-4" or "team/dev". Only names created through setContext are held
// to this: a name already in a file is looked up as it is.
const contextNameProblem = (name: string): string | undefined =>
  refusal(
    name,
    /^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,99}$/u,
    "must be letters, digits and . _ - @ : / (starting with a letter or digit, at most 100 characters)",
    /[A-Za-z0-9._@:/-]/u,
    "does not start with a letter or digit",
    100,
  );

/** Which file to show or edit; found as `resolveContext` finds it. */
export interface ConfigEditOptions extends Pick<ConfigOptions, "configFile"> {
  /** Where MODELARTS_CONFIG is looked up; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  hooks?: ConfigHooks;
}

/** What `setContext` may change; a field left out keeps its old value, `credentials` is replaced as a whole. */
export type ContextFields = Pick<ConfigOptions, "region" | "projectId" | "endpoint" | "credentials">;

// The same text a `Secret` shows, so a view and a loaded file print alike.
const REDACTED = "[REDACTED]";

/** Each `Secret` of a credentials variant replaced by the marker. */
type Redacted<C> = C extends unknown ? { [K in keyof C]: Exclude<C[K], undefined> extends Secret ? typeof REDACTED : C[K] } : never;

export type CredentialsView = Redacted<ResolvedCredentials>;
export type ContextView = Omit<ConfigContext, "credentials"> & { credentials?: CredentialsView };

/** The config file as plain data without secrets, safe to print as JSON or YAML. */
export interface ConfigView extends Omit<ConfigFile, "contexts"> {
  /** False when there is no file at `path`; `contexts` is then empty. */
  exists: boolean;
  contexts: ContextView[];
}

export interface SetContextResult {
  /** The config file, as named (a symbolic link is written through, but reported as named). */
  path: string;
  /** True when the context is new, false when an existing one was updated. */
  created: boolean;
  fileCreated: boolean;
  /** The file's current-context after the edit. */
  currentContext: string;
  /** True when the file had no current-context and this context became it. */
  becameCurrent: boolean;
}

export interface UseContextResult {
  path: string;
  currentContext: string;
  /** The current-context before, if there was one. */
  previousContext?: string;
}

export interface DeleteContextResult {
  path: string;
  /** The file's current-context after the edit; none when the deleted context was current. */
  currentContext?: string;
  /** True when the deleted context was current-context, which is then removed rather than left pointing at nothing. */
  wasCurrent: boolean;
}

/**
 * The file the client would read, secrets replaced by "[REDACTED]". A missing file
 * gives `exists: false`; a file that does not load throws the reader's error.
 */
export function describeConfig(options: ConfigEditOptions = {}): ConfigView {
  const { path, hooks } = locate(options);
  const file = loadConfigFileIfExists(path, hooks);
  if (file === undefined) return { path, exists: false, contexts: [] };
  const current = file.currentContext === undefined ? {} : { currentContext: file.currentContext };
  return { path, exists: true, ...current, contexts: file.contexts.map(viewContext) };
}

/**
 * Creates the context `name` or updates it: the fields given replace the old ones,
 * the others stay. Creates the file and its folder (0700) when needed. A file
 * without current-context gets this context as current.
 */
export function setContext(name: string, fields: ContextFields = {}, options: ConfigEditOptions = {}): SetContextResult {
  const { path, hooks } = locate(options);
  const checkedName = readName(name, path);
  const changes = readFields(fields, path, checkedName);
  return edit(path, hooks, (config) => {
    const index = config.file.contexts.findIndex((c) => c.name === checkedName);
    // Names already in a file are taken as they are, so that any context can be updated.
    const nameProblem = index === -1 ? contextNameProblem(checkedName) : undefined;
    if (nameProblem !== undefined) {
      throw new ModelArtsConfigError(`cannot add a context to ${path}: the context name ${nameProblem}`, { file: path, field: "name" });
    }
    const seq = contextsOf(config, path);
    const old = config.file.contexts[index];
    const merged: ConfigContext = { ...(old ?? { name: checkedName }), ...changes };
    if (old === undefined) {
      if (seq.flow && seq.items.length === 0 && !isFlowMap(config.doc.contents)) seq.flow = false; // "contexts: []" grows into a block list
      seq.items.push(config.doc.createNode(yamlContext(merged)));
    } else {
      updateContextNode(config, contextNodeAt(config, index, path), changes);
    }

    const becameCurrent = config.file.currentContext === undefined;
    if (becameCurrent) setCurrentContext(config, checkedName);
    const currentContext = config.file.currentContext ?? checkedName;
    const contexts = old === undefined ? [...config.file.contexts, merged] : config.file.contexts.map((c, i) => (i === index ? merged : c));
    return {
      expected: { path, currentContext, contexts },
      result: { path, created: old === undefined, fileCreated: !config.exists, currentContext, becameCurrent },
    };
  });
}

/** Sets the file's current-context to an existing context. */
export function useContext(name: string, options: ConfigEditOptions = {}): UseContextResult {
  const { path, hooks } = locate(options);
  const checkedName = readName(name, path);
  return edit(path, hooks, (config) => {
    findExisting(config, checkedName, path, "use");
    setCurrentContext(config, checkedName);
    const result: UseContextResult = { path, currentContext: checkedName };
    if (config.file.currentContext !== undefined) result.previousContext = config.file.currentContext;
    return { expected: { ...config.file, currentContext: checkedName }, result };
  });
}

/** Removes a context; when it was current, current-context goes too. */
export function deleteContext(name: string, options: ConfigEditOptions = {}): DeleteContextResult {
  const { path, hooks } = locate(options);
  const checkedName = readName(name, path);
  return edit(path, hooks, (config) => {
    const index = findExisting(config, checkedName, path, "delete");
    contextsOf(config, path).items.splice(index, 1);
    const wasCurrent = config.file.currentContext === checkedName;
    if (wasCurrent) topOf(config, path).delete(CURRENT_CONTEXT);
    const expected: ConfigFile = { path, contexts: config.file.contexts.filter((_, i) => i !== index) };
    const result: DeleteContextResult = { path, wasCurrent };
    if (!wasCurrent && config.file.currentContext !== undefined) {
      expected.currentContext = config.file.currentContext;
      result.currentContext = config.file.currentContext;
    }
    return { expected, result };
  });
}

// ---------------------------------------------------------------------------
// Input

function locate(options: unknown): { path: string; hooks: ConfigHooks } {
  const given = options ?? {};
  if (!isRecord(given)) throw new ModelArtsConfigError(`invalid option options: must be an object, found ${describeType(options)}`, { field: "options" });
  const place: Place = { fail: (key, problem) => new ModelArtsConfigError(`invalid option ${key}: ${problem}`, { field: key }) };
  const configFile = readString(given, "configFile", place);
  const hooks = (given["hooks"] ?? {}) as ConfigHooks;
  const env = (given["env"] ?? process.env) as NodeJS.ProcessEnv;
  const home = homeOf(hooks);
  return { path: configFile === undefined ? defaultConfigPath(env, home) : expandPath(configFile, home), hooks };
}

function readName(name: unknown, path: string): string {
  const place: Place = { fail: (_key, problem) => new ModelArtsConfigError(`invalid context name for ${path}: ${problem}`, { file: path, field: "name" }) };
  const value = readString({ name }, "name", place);
  if (value === undefined) throw place.fail("name", "is missing");
  return value;
}

/** The name in quotes for a message, unless it is not a name we would create (then it might be pasted text). */
function label(name: string): string {
  return contextNameProblem(name) === undefined ? `"${name}"` : "(name not shown)";
}

const FIELD_KEYS = ["region", "projectId", "endpoint", "credentials"] as const satisfies readonly (keyof ContextFields)[];
const CREDENTIAL_INPUT_KEYS = ["ak", "sk", "securityToken", "token"];

/** The fields to set, checked as `resolveContext` checks options; only the given ones are present. */
function readFields(fields: unknown, path: string, name: string): Omit<ConfigContext, "name"> {
  const fail = (field: string, problem: string): ModelArtsConfigError =>
    new ModelArtsConfigError(`cannot set context ${label(name)} in ${path}: ${field} ${problem}`, { file: path, context: name, field });
  if (fields === undefined || fields === null) return {};
  if (!isRecord(fields)) throw fail("fields", `must be an object with ${FIELD_KEYS.join(", ")}, found ${describeType(fields)}`);
  // A misspelt key ("project_id") would otherwise be dropped without a word.
  rejectUnknownKeys(fields, FIELD_KEYS, "fields", fail);
  const place: Place = { fail };
  const changes: Omit<ConfigContext, "name"> = {};
  const region = readChecked(fields, "region", place, regionProblem);
  if (region !== undefined) changes.region = region;
  const projectId = readChecked(fields, "projectId", place, projectIdProblem);
  if (projectId !== undefined) changes.projectId = projectId;
  const endpoint = readEndpoint(fields, "endpoint", place);
  if (endpoint !== undefined) changes.endpoint = endpoint;
  const rawCredentials = fields["credentials"];
  if (isRecord(rawCredentials)) rejectUnknownKeys(rawCredentials, CREDENTIAL_INPUT_KEYS, "credentials", fail);
  const credentials = readCredentialsInput(rawCredentials, fail);
  if (credentials !== undefined) {
    checkCredentialText(credentials, fail);
    changes.credentials = credentials;
  }
  return changes;
}

function rejectUnknownKeys(map: Record<string, unknown>, known: readonly string[], field: string, fail: (field: string, problem: string) => ModelArtsConfigError): void {
  const unknown = Object.keys(map).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const names = unknown.map((key) => quote(key)).join(", ");
  throw fail(field, `has unknown ${unknown.length === 1 ? "key" : "keys"} ${names}; known keys: ${known.join(", ")}`);
}

// A secret pasted with its line break, or with a stray space, would be stored and
// then fail every signature with no hint why; no AK, SK or token contains either.
const SURROUNDING_SPACE = /^\s|\s$/u;
const CONTROL_CHARACTER = /\p{Cc}/u;

function checkCredentialText(credentials: ResolvedCredentials, fail: (field: string, problem: string) => ModelArtsConfigError): void {
  const parts: [string, string | undefined][] =
    credentials.kind === "token"
      ? [["token", credentials.token.reveal()]]
      : [
          ["ak", credentials.ak],
          ["sk", credentials.sk.reveal()],
          ["securityToken", credentials.securityToken?.reveal()],
        ];
  for (const [key, value] of parts) {
    if (value === undefined) continue;
    if (SURROUNDING_SPACE.test(value) || CONTROL_CHARACTER.test(value)) {
      throw fail(`credentials.${key}`, "has whitespace at its start or end, or a control character such as a line break (the value is not shown); was it pasted with a newline?");
    }
  }
}

// ---------------------------------------------------------------------------
// The edit cycle

const CURRENT_CONTEXT = "current-context";
// Enough for a few programs editing at once; past that something keeps rewriting the file.
const ATTEMPTS = 3;

interface Editable {
  /** False when there is no file yet. */
  exists: boolean;
  /** The file as the client reads it now (no contexts when there is no file, or an empty one). */
  file: ConfigFile;
  /** The same text as a Document, to be changed in place. */
  doc: Document;
}

interface Planned<R> {
  /** What the client must read from the new text; anything else means the edit went wrong. */
  expected: ConfigFile;
  result: R;
}

/**
 * Reads, changes, checks and writes the file. Should another program change the
 * file meanwhile, the edit starts over on its new text instead of undoing that change.
 */
function edit<R>(path: string, hooks: ConfigHooks, change: (config: Editable) => Planned<R>): R {
  const target = writeTarget(path);
  for (let attempt = 1; ; attempt += 1) {
    const before = readText(target, path);
    // Warnings about the old text (unknown keys) are given once, not once per attempt.
    const config = parse(before, path, hooks, attempt === 1);
    const { expected, result } = change(config);
    const text = render(config.doc, path);
    verify(text, expected, path, hooks);
    if (replaceIfUnchanged(target, path, before, text)) return result;
    if (attempt === ATTEMPTS) {
      throw new ModelArtsConfigError(`${path} kept changing while it was being edited (another program writing it?); this edit was not saved, try again`, {
        file: path,
      });
    }
  }
}

/**
 * Where to write. A symbolic link is written through to its target: people link the
 * file from a dotfiles folder, and replacing the link with a plain file would quietly
 * cut it off from there (kubectl and most editors write through too). The temp file
 * then goes next to the target, so that the rename stays on one file system.
 */
function writeTarget(path: string): string {
  let isLink: boolean;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT") return path;
    throw new ModelArtsConfigError(`cannot read config file ${path}: ${describeReadError(code)}`, { file: path });
  }
  if (!isLink) return path;
  try {
    return realpathSync(path);
  } catch (error) {
    const code = errorCode(error);
    // A link to nowhere is more likely a moved dotfiles folder or an unmounted disk than a request to create a file there.
    const why = code === "ENOENT" ? "to a file that does not exist" : code === "ELOOP" ? "in a loop of links" : `that cannot be followed (${describeReadError(code)})`;
    throw new ModelArtsConfigError(`config file ${path} is a symbolic link ${why}; fix or remove the link`, { file: path });
  }
}

function readText(target: string, path: string): string | undefined {
  try {
    return readFileSync(target, "utf8");
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT") return undefined;
    throw new ModelArtsConfigError(`cannot read config file ${path}: ${describeReadError(code)}`, { file: path });
  }
}

/** A file that does not load now is not edited: its problem is reported as the client would report it. */
function parse(text: string | undefined, path: string, hooks: ConfigHooks, warn: boolean): Editable {
  if (text === undefined) return { exists: false, file: { path, contexts: [] }, doc: new Document({ contexts: [] }) };
  // Widened from Document.Parsed: the edit adds nodes that were never parsed.
  const doc: Document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length === 0 && doc.contents === null) {
    // Empty, or only comments: the client cannot use it, but it is a fine start, and its comments stay.
    doc.contents = doc.createNode({ contexts: [] });
    return { exists: true, file: { path, contexts: [] }, doc };
  }
  // The permission warning is left out: the write is about to fix the permissions.
  const file = loadConfigFileIfExists(path, {
    ...hooks,
    warn: warn ? warnerOf(hooks) : () => {},
    readFile: () => text,
    fileMode: () => undefined,
  });
  if (file === undefined) throw new Error("unreachable: readFile returned text");
  return { exists: true, file, doc };
}

function render(doc: Document, path: string): string {
  try {
    // No folding: long tokens stay on one line, where a person can find them.
    return doc.toString({ lineWidth: 0 });
  } catch {
    // The one failure here is an alias whose anchor the edit replaced.
    throw brokenAliases(path, "another part of the file refers to a value this edit replaces");
  }
}

/** Loads the new text with the client's reader and compares it with what the edit meant to do. */
function verify(text: string, expected: ConfigFile, path: string, hooks: ConfigHooks): void {
  let actual: ConfigFile | undefined;
  try {
    actual = loadConfigFileIfExists(path, { ...hooks, warn: () => {}, readFile: () => text, fileMode: () => undefined });
  } catch (error) {
    // The reader's messages never quote secrets; its line numbers are those of the unsaved text.
    const detail = error instanceof ModelArtsConfigError ? error.message : "it does not load";
    throw new ModelArtsConfigError(`cannot edit ${path}: the new text would not load (${detail}); the file was not changed`, { file: path });
  }
  if (actual === undefined) throw new Error("unreachable: readFile returned text");
  const difference = differenceBetween(expected, actual);
  if (difference !== undefined) throw brokenAliases(path, difference);
}

function brokenAliases(path: string, what: string): ModelArtsConfigError {
  return new ModelArtsConfigError(
    `cannot edit ${path} safely: ${what}; YAML anchors and aliases (&name, *name) shared between contexts cannot be edited automatically, so edit the file by hand. The file was not changed`,
    { file: path },
  );
}

/** The first difference, worded without any value (they may be secrets); undefined when there is none. */
function differenceBetween(expected: ConfigFile, actual: ConfigFile): string | undefined {
  if (expected.currentContext !== actual.currentContext) return "current-context would not be what was set";
  if (expected.contexts.length !== actual.contexts.length) return "the number of contexts would change unexpectedly";
  for (const [index, want] of expected.contexts.entries()) {
    const got = actual.contexts[index];
    if (got === undefined || !sameContext(want, got)) return `context ${label(want.name)} would not read back as intended`;
  }
  return undefined;
}

function sameContext(a: ConfigContext, b: ConfigContext): boolean {
  return a.name === b.name && a.region === b.region && a.projectId === b.projectId && a.endpoint === b.endpoint && sameCredentials(a.credentials, b.credentials);
}

function sameCredentials(a: ResolvedCredentials | undefined, b: ResolvedCredentials | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind === "token") return b.kind === "token" && a.token.reveal() === b.token.reveal();
  if (b.kind === "token") return false;
  return a.ak === b.ak && a.sk.reveal() === b.sk.reveal() && a.securityToken?.reveal() === b.securityToken?.reveal();
}

/**
 * Writes `text` to a temp file (0600, flushed to disk) beside `target` and renames it
 * over `target`, unless `target` no longer holds `before`: false then, and nothing changed.
 * The rename replaces the file with one of mode 0600, however open the old one was.
 */
function replaceIfUnchanged(target: string, path: string, before: string | undefined, text: string): boolean {
  const folder = dirname(target);
  if (before === undefined) makeFolder(folder, path);
  // Dot-prefixed and random, so it neither shows in a listing nor collides with another writer's.
  const temp = join(folder, `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    // "wx" refuses an existing name, so a link planted at the temp name cannot redirect the write.
    fd = openSync(temp, "wx", 0o600);
    // The mode passed to open goes through the umask, which could only take bits away, but be explicit.
    fchmodSync(fd, 0o600);
    writeFileSync(fd, text, "utf8");
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    // Checked as late as possible; what is left is the instant between this read and the rename.
    if (readText(target, path) !== before) {
      removeQuietly(temp);
      return false;
    }
    renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(temp);
    if (error instanceof ModelArtsConfigError) throw error;
    throw new ModelArtsConfigError(`cannot write config file ${path}: ${describeWriteError(errorCode(error))}; the file was not changed`, { file: path });
  }
  syncFolder(folder);
  return true;
}

function makeFolder(folder: string, path: string): void {
  try {
    const first = mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (first === undefined) return;
    // The mode given to mkdir goes through the umask; only folders made here are changed, never an existing one such as /tmp.
    for (let current = folder; ; current = dirname(current)) {
      chmodSync(current, 0o700);
      if (current === first || dirname(current) === current) break;
    }
  } catch (error) {
    throw new ModelArtsConfigError(`cannot create the folder ${folder} for config file ${path}: ${describeWriteError(errorCode(error))}`, { file: path });
  }
}

/** A rename is only durable once the folder's entry is on disk; where folders cannot be opened (Windows) this is skipped. */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, "r");
    fsyncSync(fd);
  } catch {
    // best effort: the file itself is already flushed
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed or never valid; nothing to undo
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // never created, or already gone
  }
}

function describeWriteError(code: string | undefined): string {
  switch (code) {
    case "ENOSPC":
      return "no space left on the device";
    case "EROFS":
      return "the file system is read-only";
    case "EEXIST":
      return "a file is in the way of a folder";
    default:
      return describeReadError(code);
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

// ---------------------------------------------------------------------------
// YAML

function topOf(config: Editable, path: string): YAMLMap {
  const top = config.doc.contents;
  if (!isMap(top)) throw notPlain(path, "the top level");
  return top;
}

function contextsOf(config: Editable, path: string): YAMLSeq {
  const contexts = topOf(config, path).get("contexts", true);
  if (!isSeq(contexts)) throw notPlain(path, "contexts:");
  return contexts;
}

function contextNodeAt(config: Editable, index: number, path: string): YAMLMap {
  // The reader maps list entries one to one to contexts, so the index is the node's.
  const node = contextsOf(config, path).items[index];
  if (!isMap(node)) throw notPlain(path, `context ${label(config.file.contexts[index]?.name ?? "")}`);
  return node;
}

function notPlain(path: string, what: string): ModelArtsConfigError {
  return new ModelArtsConfigError(`cannot edit ${path}: ${what} is a YAML alias rather than written out; edit the file by hand`, { file: path });
}

function isFlowMap(node: unknown): boolean {
  return isMap(node) && node.flow === true;
}

function findExisting(config: Editable, name: string, path: string, verb: string): number {
  const available = config.file.contexts.map((c) => c.name);
  if (!config.exists) {
    throw new ModelArtsConfigError(`cannot ${verb} context ${label(name)}: config file ${path} does not exist`, {
      file: path,
      context: name,
      field: "context",
    });
  }
  const index = available.indexOf(name);
  if (index === -1) {
    throw new ModelArtsConfigError(
      `cannot ${verb} context ${label(name)}: ${path} has no such context; contexts defined: ${available.length === 0 ? "none" : available.join(", ")}`,
      { file: path, context: name, field: "context", availableContexts: available },
    );
  }
  return index;
}

// The file's snake_case keys for the fields setContext writes.
const YAML_KEY = { region: "region", projectId: "project_id", endpoint: "endpoint", credentials: "credentials" } as const satisfies Record<keyof ContextFields, string>;

/** A context in the file's layout and key order, secrets revealed: only ever handed to the Document. */
function yamlContext(context: ConfigContext): Record<string, unknown> {
  const entry: Record<string, unknown> = { name: context.name };
  if (context.region !== undefined) entry[YAML_KEY.region] = context.region;
  if (context.projectId !== undefined) entry[YAML_KEY.projectId] = context.projectId;
  if (context.endpoint !== undefined) entry[YAML_KEY.endpoint] = context.endpoint;
  if (context.credentials !== undefined) entry[YAML_KEY.credentials] = yamlCredentials(context.credentials);
  return entry;
}

function yamlCredentials(credentials: ResolvedCredentials): Record<string, string> {
  if (credentials.kind === "token") return { token: credentials.token.reveal() };
  const entry: Record<string, string> = { ak: credentials.ak, sk: credentials.sk.reveal() };
  if (credentials.securityToken !== undefined) entry["security_token"] = credentials.securityToken.reveal();
  return entry;
}

function updateContextNode(config: Editable, node: YAMLMap, changes: Omit<ConfigContext, "name">): void {
  const { doc } = config;
  const atItsPlace = (pair: Pair): void => insertInOrder(node, pair);
  if (changes.region !== undefined) setScalar(doc, node, YAML_KEY.region, changes.region, atItsPlace);
  if (changes.projectId !== undefined) setScalar(doc, node, YAML_KEY.projectId, changes.projectId, atItsPlace);
  if (changes.endpoint !== undefined) setScalar(doc, node, YAML_KEY.endpoint, changes.endpoint, atItsPlace);
  if (changes.credentials !== undefined) {
    // Replaced as a whole: keys of the old block (a security token, say) must not outlive it.
    const value = doc.createNode(yamlCredentials(changes.credentials));
    const pair = pairOf(node, YAML_KEY.credentials);
    if (pair === undefined) atItsPlace(doc.createPair(YAML_KEY.credentials, value));
    else pair.value = value;
  }
}

function setCurrentContext(config: Editable, name: string): void {
  const top = topOf(config, config.file.path);
  // At the top, where people look for it.
  setScalar(config.doc, top, CURRENT_CONTEXT, name, (pair) => top.items.unshift(pair));
}

/**
 * Changes the value of `key` in place, which keeps its comment and quoting style,
 * or adds the key with `insert`. An anchored value may be aliased elsewhere, and
 * changing it in place would change those places too, so it is replaced instead;
 * `verify` then reports the alias this breaks.
 */
function setScalar(doc: Document, map: YAMLMap, key: string, value: string, insert: (pair: Pair) => void): void {
  const pair = pairOf(map, key);
  if (pair === undefined) insert(doc.createPair(key, value));
  else if (isScalar(pair.value) && pair.value.anchor === undefined) pair.value.value = value;
  else pair.value = doc.createNode(value);
}

/** Adds a key before the first known key that comes after it in the usual order (name, region, project_id, endpoint, credentials). */
function insertInOrder(map: YAMLMap, pair: Pair): void {
  const rank = (p: Pair): number => CONTEXT_KEYS.indexOf(keyOf(p) ?? "");
  const mine = rank(pair);
  const index = map.items.findIndex((p) => rank(p) > mine);
  if (index === -1) map.items.push(pair);
  else map.items.splice(index, 0, pair);
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => keyOf(pair) === key);
}

function keyOf(pair: Pair): string | undefined {
  const key = isScalar(pair.key) ? pair.key.value : pair.key;
  return typeof key === "string" ? key : undefined;
}

function viewContext(context: ConfigContext): ContextView {
  const view: ContextView = { name: context.name };
  if (context.region !== undefined) view.region = context.region;
  if (context.projectId !== undefined) view.projectId = context.projectId;
  if (context.endpoint !== undefined) view.endpoint = context.endpoint;
  if (context.credentials !== undefined) view.credentials = viewCredentials(context.credentials);
  return view;
}

function viewCredentials(credentials: ResolvedCredentials): CredentialsView {
  if (credentials.kind === "token") return { kind: "token", token: REDACTED };
  return credentials.securityToken === undefined
    ? { kind: "aksk", ak: credentials.ak, sk: REDACTED }
    : { kind: "aksk", ak: credentials.ak, sk: REDACTED, securityToken: REDACTED };
}
