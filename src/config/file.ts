/**
 * Reading the config file: path expansion, file system access, YAML parsing and
 * the permission warning. The shape is checked in shape.ts.
 *
 * Node-only (reached from the Node entry and ./index.js of config, never from the portable
 * entry). node:fs, node:os and node:path come through `process.getBuiltinModule`, and the
 * YAML parser through `require` on first use, so that importing the client does not pay for
 * the parser (about 70 ms) until a file is read.
 */
import type * as NodeFs from "node:fs";
import type * as NodeModule from "node:module";
import type * as NodeOs from "node:os";
import type * as NodePath from "node:path";
import type * as Yaml from "yaml";
import type { ErrorCode, YAMLError } from "yaml";
import { ModelArtsConfigError } from "../errors.js";
import { nodeBuiltin, platformName, processEnv } from "../platform/node.js";
import { ENV } from "./env.js";
import { checkConfigShape, type Locator, type Warn } from "./shape.js";
import type { ConfigFile, ConfigHooks } from "./types.js";

/** A Node built-in the config file needs, or a ModelArtsConfigError saying that files need Node. */
function builtin<T>(id: string): T {
  const module = nodeBuiltin<T>(id);
  if (module === undefined) {
    throw new ModelArtsConfigError(
      "config files and contexts are read only on Node.js; in this runtime pass endpoint (or region), projectId and credentials to createClient",
    );
  }
  return module;
}

let yaml: typeof Yaml | undefined;

/** The `yaml` package, loaded on first use. */
export function yamlModule(): typeof Yaml {
  if (yaml !== undefined) return yaml;
  const { createRequire } = builtin<typeof NodeModule>("node:module");
  try {
    yaml = createRequire(import.meta.url)("yaml") as typeof Yaml;
  } catch {
    throw new ModelArtsConfigError(
      "reading a config file needs the 'yaml' package, which is not installed beside this copy of modelarts-data-annotations (a single-file bundle?): install it, or pass endpoint, projectId and credentials (or HUAWEICLOUD_SDK_* variables) instead of a context",
    );
  }
  return yaml;
}

const join = (...parts: string[]): string => builtin<typeof NodePath>("node:path").join(...parts);
const resolve = (path: string): string => builtin<typeof NodePath>("node:path").resolve(path);
const homedir = (): string => builtin<typeof NodeOs>("node:os").homedir();

export function homeConfigPath(home: string): string {
  return join(home, ".modelarts", "config.yaml");
}

/** The file read when no `configFile` option is given: MODELARTS_CONFIG if set, else ~/.modelarts/config.yaml. */
export function defaultConfigPath(env: Record<string, string | undefined> = processEnv(), home: string = homedir()): string {
  const fromEnv = env[ENV.configFile];
  return fromEnv ? expandPath(fromEnv, home) : homeConfigPath(home);
}

/** Absolute path; a leading "~" means the home directory, as a shell would have done had the value not been quoted. */
export function expandPath(path: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/") || path.startsWith("~\\")) return join(home, path.slice(2));
  return resolve(path);
}

export function homeOf(hooks: ConfigHooks): string {
  return (hooks.homedir ?? homedir)();
}

export function warnerOf(hooks: ConfigHooks): Warn {
  return hooks.warn ?? ((message, code) => (globalThis as { process?: { emitWarning?: (m: string, o: { code: string }) => void } }).process?.emitWarning?.(message, { code }));
}

/**
 * Reads, parses and shape-checks a config file; secrets come back wrapped in `Secret`.
 * A missing file is an error here; `resolveContext` words that case itself.
 */
export function loadConfigFile(path: string, hooks: ConfigHooks = {}): ConfigFile {
  const absolute = expandPath(path, homeOf(hooks));
  const file = loadConfigFileIfExists(absolute, hooks);
  if (file === undefined) throw new ModelArtsConfigError(`config file ${absolute} does not exist`, { file: absolute });
  return file;
}

/** Like `loadConfigFile` for an absolute path, but undefined when there is no such file. */
export function loadConfigFileIfExists(path: string, hooks: ConfigHooks): ConfigFile | undefined {
  const text = readConfigText(path, hooks);
  if (text === undefined) return undefined;
  const warn = warnerOf(hooks);
  const file = parseConfigText(path, text, warn);
  warnIfTooOpen(file, hooks.fileMode ?? defaultFileMode, warn);
  return file;
}

function readConfigText(path: string, hooks: ConfigHooks): string | undefined {
  try {
    return (hooks.readFile ?? ((p: string) => builtin<typeof NodeFs>("node:fs").readFileSync(p, "utf8")))(path);
  } catch (error) {
    if (error instanceof ModelArtsConfigError) throw error;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === "ENOENT") return undefined;
    throw new ModelArtsConfigError(`cannot read config file ${path}: ${describeReadError(code)}`, { file: path });
  }
}

export function describeReadError(code: string | undefined): string {
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    case "ENOTDIR":
      return "a parent of it is not a directory";
    default:
      return code ?? "unknown error";
  }
}

function parseConfigText(path: string, text: string, warn: Warn): ConfigFile {
  const { LineCounter, isNode, parseDocument } = yamlModule();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const [error] = doc.errors;
  if (error !== undefined) throw yamlError(path, error, lineCounter);

  const locate: Locator = (yamlPath) => {
    const node = yamlPath.length === 0 ? doc.contents : doc.getIn(yamlPath, true);
    const start = isNode(node) ? node.range?.[0] : undefined;
    return start === undefined ? undefined : lineCounter.linePos(start).line;
  };
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch {
    // toJS fails only on alias bombs; its message says nothing more useful.
    throw new ModelArtsConfigError(`${path}: invalid YAML: too many aliases`, { file: path });
  }
  return checkConfigShape(raw, path, locate, warn);
}

// The parser's own messages can quote the offending source text, which may be a
// secret (e.g. "Invalid escape sequence \q" inside a quoted sk), so only the code
// and position are used, with our own wording.
const YAML_PROBLEMS: Partial<Record<ErrorCode, string>> = {
  BAD_ALIAS: "alias to an unknown anchor",
  BAD_DQ_ESCAPE: "invalid escape sequence in a double-quoted string (use single quotes)",
  BAD_INDENT: "bad indentation",
  BAD_SCALAR_START: "a plain value cannot start with this character (put the value in quotes)",
  BLOCK_AS_IMPLICIT_KEY: "a nested block cannot be a key",
  BLOCK_IN_FLOW: "block syntax inside [ ] or { }",
  DUPLICATE_KEY: "a key appears twice in the same mapping",
  MISSING_CHAR: "a character is missing (closing quote or bracket, comma, or space after a colon)",
  MULTILINE_IMPLICIT_KEY: "a key spans several lines (missing colon or quote?)",
  MULTIPLE_DOCS: "the file holds several YAML documents (---); keep one",
  TAB_AS_INDENT: "tabs cannot indent YAML; use spaces",
  TAG_RESOLVE_FAILED: "unknown tag",
  UNEXPECTED_TOKEN: "unexpected text",
};

function yamlError(path: string, error: YAMLError, lineCounter: Yaml.LineCounter): ModelArtsConfigError {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  const problem = YAML_PROBLEMS[error.code] ?? "syntax error";
  return new ModelArtsConfigError(`${path}:${line}:${col}: invalid YAML (${error.code}): ${problem}`, { file: path });
}

function defaultFileMode(path: string): number | undefined {
  if (platformName() === "win32") return undefined;
  try {
    return builtin<typeof NodeFs>("node:fs").statSync(path).mode;
  } catch {
    return undefined;
  }
}

/** Warns like ssh does about a key file that others can read; a file without credentials is left alone. */
function warnIfTooOpen(file: ConfigFile, fileMode: (path: string) => number | undefined, warn: Warn): void {
  if (!file.contexts.some((context) => context.credentials !== undefined)) return;
  const mode = fileMode(file.path);
  if (mode === undefined || (mode & 0o077) === 0) return;
  const octal = (mode & 0o777).toString(8).padStart(4, "0");
  warn(
    `permissions ${octal} for '${file.path}' are too open; it holds credentials: chmod 600 ${shellQuote(file.path)}`,
    "MODELARTS_CONFIG_PERMISSIONS",
  );
}

function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
