import type { Secret } from "../auth/secret.js";

/** AK/SK (with a security token when temporary) or a token; plain strings are wrapped in `Secret` on the way in. */
type FixedCredentialsInput = { ak: string; sk: string | Secret; securityToken?: string | Secret } | { token: string | Secret };

/** Credentials as a caller may pass them: fixed, or a provider of expiring ones. */
export type CredentialsInput = FixedCredentialsInput | CredentialsProvider;

/** What a credentials provider resolves to: temporary AK/SK (with its security token) or a token, and when it expires. */
export type ProvidedCredentials = FixedCredentialsInput & {
  /** When the credentials stop working (a Date, or milliseconds since the epoch); absent for "until a 401 says so". */
  expiresAt?: Date | number;
};

/**
 * Credentials that expire: called when the client first needs credentials, again shortly before
 * `expiresAt`, and once after a 401 that says they expired; never twice at the same time.
 */
export type CredentialsProvider = () => Promise<ProvidedCredentials>;

/** Credentials after resolution: every secret part is a `Secret`, whatever form it came in. */
export type ResolvedCredentials =
  | { kind: "aksk"; ak: string; sk: Secret; securityToken?: Secret }
  | { kind: "token"; token: Secret };

/** What a client authenticates with: fixed credentials, or a provider asked for them as they expire. */
export type ClientCredentials = ResolvedCredentials | { kind: "provider"; provide: CredentialsProvider };

export interface ConfigOptions {
  /** Name of a context in the config file; beats MODELARTS_CONTEXT and the file's current-context. */
  context?: string;
  /** Path of the config file; beats MODELARTS_CONFIG and ~/.modelarts/config.yaml. */
  configFile?: string;
  /** Region id such as "cn-north-4"; gives https://modelarts.{region}.myhuaweicloud.com. */
  region?: string;
  /** Base URL; beats any region. */
  endpoint?: string;
  projectId?: string;
  credentials?: CredentialsInput;
}

export type ConfigSource = "options" | "env" | "file" | "default";

export interface ResolvedConfig {
  /** http(s) base URL without a trailing slash. */
  endpoint: string;
  region?: string;
  projectId?: string;
  credentials: ClientCredentials;
  /** Name of the context used, if any. */
  context?: string;
  /** Path of the config file read, if any. */
  configFile?: string;
  /** Where each field came from, for debugging; never holds secrets. */
  sources: Record<"endpoint" | "projectId" | "credentials", ConfigSource>;
}

/** One entry of `contexts:`, shape-checked, with the YAML's snake_case turned into camelCase. */
export interface ConfigContext {
  name: string;
  region?: string;
  projectId?: string;
  endpoint?: string;
  credentials?: ResolvedCredentials;
}

export interface ConfigFile {
  /** Absolute path the file was read from. */
  path: string;
  currentContext?: string;
  contexts: ConfigContext[];
}

export type ConfigWarningCode = "MODELARTS_CONFIG_PERMISSIONS" | "MODELARTS_CONFIG_UNKNOWN_KEY" | "MODELARTS_CONFIG_ENV";

/** Seams for tests and embedders; every hook has a default that uses the real process. */
export interface ConfigHooks {
  /** Receives warnings (too-open file permissions, ignored keys); default: `process.emitWarning`. */
  warn?: (message: string, code: ConfigWarningCode) => void;
  /** Returns the file's text; must throw an error with `code: "ENOENT"` when the file is missing, like `fs.readFileSync`. */
  readFile?: (path: string) => string;
  /** Returns the file's `st_mode`, or undefined where POSIX modes mean nothing (Windows) or the file cannot be stat'ed. */
  fileMode?: (path: string) => number | undefined;
  /** Home directory for `~` and the default config path; default: `os.homedir()`. */
  homedir?: () => string;
}
