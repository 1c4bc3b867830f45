/**
 * `config view | get-contexts | use-context | set-context`: the config file through the
 * package's editing functions, which validate, redact and write with owner-only permissions.
 */
import { stringify } from "yaml";
import {
  deleteContext as removeContext,
  describeConfig,
  setContext as writeContext,
  useContext as switchContext,
  type ContextView,
  type CredentialsInput,
} from "../../config/index.js";
import { EXIT } from "../exit-codes.js";
import type { CliIo } from "../output.js";
import { UsageError } from "../usage.js";
import { guarded, outputFor } from "./common.js";
import { readSecret } from "../stdin.js";

interface FileFlags {
  config?: string;
  json?: boolean;
  color?: boolean;
}

const fileOptions = (flags: FileFlags) => (flags.config !== undefined ? { configFile: flags.config } : {});

/** A context as the file spells it (snake_case keys), for a view that reads like the file. */
function asFileContext(context: ContextView): Record<string, unknown> {
  const credentials = context.credentials;
  return {
    name: context.name,
    ...(context.region !== undefined ? { region: context.region } : {}),
    ...(context.projectId !== undefined ? { project_id: context.projectId } : {}),
    ...(context.endpoint !== undefined ? { endpoint: context.endpoint } : {}),
    ...(credentials === undefined
      ? {}
      : {
          credentials:
            credentials.kind === "token"
              ? { token: credentials.token }
              : { ak: credentials.ak, sk: credentials.sk, ...(credentials.securityToken !== undefined ? { security_token: credentials.securityToken } : {}) },
        }),
  };
}

export function view(io: CliIo, flags: FileFlags): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    const config = describeConfig(fileOptions(flags));
    // Text and JSON spell the file's keys as the file does (current-context, project_id, security_token).
    const asFile = { ...(config.currentContext !== undefined ? { "current-context": config.currentContext } : {}), contexts: config.contexts.map(asFileContext) };
    out.result({ path: config.path, exists: config.exists, ...asFile }, () => (config.exists ? `# ${config.path}\n${stringify(asFile)}` : ""));
    if (!config.exists && !out.json) out.note(`No config file at ${config.path}; create one with "modelarts-annotations config set-context".`);
    return EXIT.OK;
  });
}

export function getContexts(io: CliIo, flags: FileFlags): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    const config = describeConfig(fileOptions(flags));
    const rows = config.contexts.map((context) => [
      context.name === config.currentContext ? "*" : "",
      context.name,
      context.region ?? "",
      context.projectId ?? "",
      context.endpoint ?? "",
      context.credentials === undefined ? "" : context.credentials.kind === "token" ? "token" : `ak ${context.credentials.ak}`,
    ]);
    out.result(
      { path: config.path, currentContext: config.currentContext ?? null, contexts: config.contexts.map((context) => context.name) },
      () => (rows.length === 0 ? "" : out.table(["CURRENT", "NAME", "REGION", "PROJECT ID", "ENDPOINT", "AUTH"], rows)),
    );
    if (rows.length === 0 && !out.json) out.note(`No contexts in ${config.path}${config.exists ? "" : " (no such file)"}.`);
    return EXIT.OK;
  });
}

export function useContext(io: CliIo, name: string, flags: FileFlags): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    const result = switchContext(name, fileOptions(flags));
    out.result(result, () => `Switched to context "${result.currentContext}" in ${result.path}.`);
    return EXIT.OK;
  });
}

export function deleteContext(io: CliIo, name: string, flags: FileFlags): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    const result = removeContext(name, fileOptions(flags));
    out.result(result, () => `Deleted context "${name}" from ${result.path}${result.wasCurrent ? "; no context is current now" : ""}.`);
    return EXIT.OK;
  });
}

interface SetContextFlags extends FileFlags {
  region?: string;
  projectId?: string;
  endpoint?: string;
  ak?: string;
  sk?: string;
  securityToken?: string;
  token?: string;
}

/**
 * The credentials the flags give, reading the one given as "-" from stdin. Combinations that
 * cannot make credentials are usage errors here, before the file is touched.
 */
async function credentialsOf(flags: SetContextFlags): Promise<CredentialsInput | undefined> {
  const fromStdin = (["sk", "securityToken", "token"] as const).filter((key) => flags[key] === "-");
  if (fromStdin.length > 1) throw new UsageError('only one of --sk, --security-token and --token can be "-" (read from stdin)');
  const LABELS = { sk: "SK", securityToken: "Security token", token: "Token" } as const;
  const stdin = fromStdin[0] === undefined ? undefined : await readSecret(LABELS[fromStdin[0]]);
  const value = (key: "sk" | "securityToken" | "token") => (flags[key] === "-" ? stdin : flags[key]);
  const token = value("token");
  if (token !== undefined) {
    if (flags.ak !== undefined || flags.sk !== undefined || flags.securityToken !== undefined) throw new UsageError("--token cannot be combined with --ak, --sk or --security-token");
    return { token };
  }
  if (flags.ak === undefined && flags.sk === undefined && flags.securityToken === undefined) return undefined;
  const sk = value("sk");
  if (flags.ak === undefined || sk === undefined) throw new UsageError("AK/SK credentials need both --ak and --sk");
  const securityToken = value("securityToken");
  return { ak: flags.ak, sk, ...(securityToken !== undefined ? { securityToken } : {}) };
}

export function setContext(io: CliIo, name: string, flags: SetContextFlags): Promise<number> {
  const out = outputFor(io, flags);
  return guarded(out, async () => {
    const credentials = await credentialsOf(flags);
    const result = writeContext(
      name,
      {
        ...(flags.region !== undefined ? { region: flags.region } : {}),
        ...(flags.projectId !== undefined ? { projectId: flags.projectId } : {}),
        ...(flags.endpoint !== undefined ? { endpoint: flags.endpoint } : {}),
        ...(credentials !== undefined ? { credentials } : {}),
      },
      fileOptions(flags),
    );
    out.result(result, () => {
      const what = result.created ? "created" : "modified";
      const current = result.becameCurrent ? `; it is now the current context` : "";
      return `Context "${name}" ${what} in ${result.path}${result.fileCreated ? " (new file, mode 0600)" : ""}${current}.`;
    });
    return EXIT.OK;
  });
}
