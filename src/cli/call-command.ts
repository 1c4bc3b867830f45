/**
 * `call <operation_id>`: each operation of the spec as a command made from its entry in the
 * generated operation table (method, path, path and query parameters with types and limits,
 * body), so that an operation the spec gains is callable from the shell without CLI code: its
 * parameters become options by name, checked by type and limits as they are parsed, and its
 * body comes from --body. A function of the table alone (no I/O, no client):
 * test/cli/call-new-operation.test.ts hands it a table with an operation the spec lacks.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import type { OperationEntry, ParameterEntry } from "../index.node.js";
import type { CliIo } from "./output.js";
import { BODY_SOURCES, examples, rootCommand, suggestCommands, withClientOptions, type ClientFlags } from "./program.js";
import { UsageError } from "./usage.js";

/** What `call` reads of an operation: its table entry without the validator (the helper validates). */
export type CallableOperation = Pick<OperationEntry, "operationId" | "tag" | "method" | "path" | "pathParameters" | "queryParameters" | "body">;

/** An operation table such as OPERATIONS: entries by operationId (an interface with no index signature fits too). */
export type CallableTable<T> = { readonly [K in keyof T]: CallableOperation };

/** A parsed `call` command line: which operation, with which arguments, through which context. */
export interface CallRequest {
  operationId: string;
  tag: string;
  /**
   * Path and query parameters under the spec's names, typed as the table says. project_id is
   * never here: --project-id is a client option, and the helper takes the client's.
   */
  params: Record<string, unknown>;
  /** --body as given, read by readBody when the call is made. */
  body?: string;
  flags: ClientFlags;
}

/** Option names the client options and --body already take; a parameter of the same name gets its location as a prefix. */
const TAKEN = new Set(["context", "config", "project-id", "endpoint", "region", "json", "color", "no-color", "body", "help"]);

/** `data_annotation_id` → `data-annotation-id`, `perPage` → `per-page`. */
function optionName(parameter: string): string {
  const kebab = parameter
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return kebab === "" ? "parameter" : kebab;
}

function range(entry: ParameterEntry): string | undefined {
  const { minimum, maximum } = entry;
  if (minimum !== undefined && maximum !== undefined) return `from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return `at least ${minimum}`;
  if (maximum !== undefined) return `at most ${maximum}`;
  return undefined;
}

const TYPE_PLACEHOLDER: Readonly<Record<ParameterEntry["type"], string>> = {
  string: "<text>",
  integer: "<n>",
  number: "<number>",
  boolean: "<true|false>",
  array: "<value>",
  object: "<json>",
};

/** One value of a query parameter, from text to the type the table gives it, within its limits. */
function parseValue(entry: ParameterEntry, text: string): unknown {
  let value: unknown = text;
  switch (entry.type) {
    case "integer":
      value = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(value)) throw new InvalidArgumentError("must be a whole number.");
      break;
    case "number":
      value = text.trim() === "" ? Number.NaN : Number(text);
      if (!Number.isFinite(value)) throw new InvalidArgumentError("must be a number.");
      break;
    case "boolean":
      if (text !== "true" && text !== "false") throw new InvalidArgumentError("must be true or false.");
      value = text === "true";
      break;
    case "object":
      try {
        value = JSON.parse(text) as unknown;
      } catch {
        value = undefined;
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw new InvalidArgumentError("must be a JSON object.");
      break;
    default:
      break;
  }
  if (typeof value === "number") {
    if ((entry.minimum !== undefined && value < entry.minimum) || (entry.maximum !== undefined && value > entry.maximum)) {
      throw new InvalidArgumentError(`must be ${range(entry)}.`);
    }
  }
  if (entry.enum !== undefined && !entry.enum.includes(value)) throw new InvalidArgumentError(`must be one of ${entry.enum.map(String).join(", ")}.`);
  return value;
}

function queryHelp(entry: ParameterEntry): string {
  const facts = [`query parameter ${entry.name}`];
  // An array's items have no type in the table: each value is sent as given.
  const kind = entry.type === "array" ? "repeatable, one value each" : entry.type === "string" ? undefined : entry.type;
  const limits = entry.enum !== undefined ? `one of ${entry.enum.map(String).join(", ")}` : range(entry);
  const described = [kind, limits].filter((part) => part !== undefined).join(", ");
  if (described !== "") facts.push(described);
  if (entry.default !== undefined) facts.push(`default ${JSON.stringify(entry.default)}`);
  return facts.join("; ");
}

/** How one path or query parameter of an operation appears on the command line. */
interface ParameterOption {
  /** The spec's name, under which the helper takes it. */
  parameter: string;
  option: Option;
  required: boolean;
}

/**
 * The options of an operation's parameters: each named after its parameter, or, where a client
 * option or another parameter has that name, after its location too (`--query-region`).
 */
function parameterOptions(entry: CallableOperation): ParameterOption[] {
  const used = new Set(TAKEN);
  const longName = (parameter: string, location: "path" | "query") => {
    let name = optionName(parameter);
    if (used.has(name)) name = `${location}-${name}`;
    // Only a path and a query parameter of one name, both renamed, could still meet: the spec cannot then be called by name either.
    if (used.has(name)) throw new Error(`${entry.operationId}: two parameters map to the option --${name}`);
    used.add(name);
    return name;
  };
  const options: ParameterOption[] = [];
  for (const parameter of entry.pathParameters) {
    // The client option --project-id (or the context) gives project_id, as for every command.
    if (parameter === "project_id") continue;
    const name = longName(parameter, "path");
    // -j is --data-annotation-id on every command that takes a job.
    const short = name === "data-annotation-id" ? "-j, " : "";
    options.push({ parameter, option: new Option(`${short}--${name} <id>`, `path parameter ${parameter} (required)`).makeOptionMandatory(), required: true });
  }
  for (const query of entry.queryParameters) {
    const option = new Option(`--${longName(query.name, "query")} ${TYPE_PLACEHOLDER[query.type]}`, queryHelp(query)).argParser(
      query.type === "array"
        ? (text: string, previous: unknown) => [...(Array.isArray(previous) ? previous : []), text]
        : (text: string) => parseValue(query, text),
    );
    options.push({ parameter: query.name, option, required: false });
  }
  return options;
}

/** A command line for `entry` with placeholders, as the examples write it: the required options, or all of them. */
function invocation(entry: CallableOperation, options: readonly ParameterOption[], all: boolean): string {
  const words = [entry.operationId];
  for (const { parameter, option, required } of options) if (required || all) words.push(`${option.short ?? option.long} <${parameter}>`);
  if (entry.body !== null && (entry.body.required || all)) words.push("--body @body.json");
  return words.join(" ");
}

function operationCommand(parent: Command, entry: CallableOperation, onRequest: (request: CallRequest) => void): Command {
  const command = parent.command(entry.operationId);
  const options = parameterOptions(entry);
  for (const { option } of options) command.addOption(option);
  if (entry.body !== null) {
    const body = new Option("--body <json|@file|->", `request body: ${BODY_SOURCES}${entry.body.required ? " (required)" : ""}`);
    command.addOption(entry.body.required ? body.makeOptionMandatory() : body);
  }
  withClientOptions(command);

  const method = entry.method.toUpperCase();
  const minimal = invocation(entry, options, false);
  const everything = invocation(entry, options, true);
  command
    .summary(`${method} ${entry.path.replace(/^\/v1\/\{project_id\}(?=\/)/, "")}`)
    .description(`Call ${entry.operationId} (${entry.tag}): ${method} ${entry.path}`)
    .addHelpText(
      "after",
      `\nproject_id is --project-id, or the context's. The answer is printed as JSON; with --json, a failure is a JSON document on stdout too.\n` +
        examples(`call ${minimal}`, ...(everything !== minimal ? [`call ${everything}`] : []), `call ${minimal.replace(" --body @body.json", " --body -")} --json${entry.body?.required === true ? " < body.json" : ""}`),
    )
    .action((flags: Record<string, unknown>, self: Command) => {
      const opts = self.opts<Record<string, unknown> & ClientFlags & { body?: string }>();
      const params: Record<string, unknown> = {};
      for (const { parameter, option } of options) {
        const value = opts[option.attributeName()];
        if (value !== undefined) params[parameter] = value;
      }
      const { context, config, projectId, endpoint, region, json, color } = opts;
      const clientFlags = Object.fromEntries(Object.entries({ context, config, projectId, endpoint, region, json, color }).filter(([, value]) => value !== undefined)) as ClientFlags;
      onRequest({ operationId: entry.operationId, tag: entry.tag, params, ...(opts.body !== undefined ? { body: opts.body } : {}), flags: clientFlags });
    });
  return command;
}

/**
 * `modelarts-annotations call` with one subcommand per operation of `table`; parsing
 * `["call", ...args]` with it (from "user") hands the request to `onRequest`.
 */
export function buildCallProgram<T>(table: CallableTable<T>, io: CliIo, onRequest: (request: CallRequest) => void): Command {
  const root = rootCommand(io);
  const call = root
    .command("call")
    .summary("Call any operation of the spec by its operationId")
    .description(
      "Call any operation of the spec by its operationId, with its path and query parameters as options (data_annotation_id is -j, --data-annotation-id) and its body as --body; the answer is printed as JSON",
    )
    .helpCommand(false)
    // Every operation takes options: "[options]" after each name would only push the paths off an 80-column line.
    .configureHelp({ subcommandTerm: (command) => command.name() });
  const entries = Object.values(table) as CallableOperation[];
  for (const entry of entries) operationCommand(call, entry, onRequest).helpGroup(`${entry.tag} operations:`);
  // Examples from the table itself, so that they name operations the spec has.
  const sample = (entry: CallableOperation | undefined, all: boolean) => (entry === undefined ? [] : [`call ${invocation(entry, parameterOptions(entry), all)}`]);
  call.addHelpText(
    "after",
    `\nThe paths above are under /v1/{project_id}. "call <operation> --help" lists an operation's options.\nExit codes are those of the other commands (see --help).\n` +
      examples(
        ...sample(entries.find((entry) => entry.method === "get" && entry.queryParameters.length === 0) ?? entries[0], false),
        ...sample(entries.find((entry) => entry.queryParameters.length > 0), true),
        ...sample(entries.find((entry) => entry.body !== null), false),
        ...(entries[0] === undefined ? [] : [`call ${entries[0].operationId} --help`]),
      ),
  );
  return root;
}

/**
 * The request that `call`'s arguments make against `table`, or undefined when there are none
 * (call's help has then gone to stderr). An operation not in the table is a UsageError with
 * the ones it may have meant; commander's errors (and help, as exit code 0) are thrown as
 * CommanderError, as for every other command.
 */
export async function parseCall<T>(table: CallableTable<T>, io: CliIo, args: readonly string[]): Promise<CallRequest | undefined> {
  let request: CallRequest | undefined;
  const root = buildCallProgram(table, io, (parsed) => {
    request = parsed;
  });
  const call = root.commands[0]!;
  if (args.length === 0) {
    call.outputHelp({ error: true });
    return undefined;
  }
  const typed = args[0]!;
  if (!typed.startsWith("-") && !Object.hasOwn(table, typed)) {
    const similar = suggestCommands(typed, Object.keys(table));
    const suggestion = similar.length === 0 ? "" : `Did you mean ${similar.join(" or ")}?\n`;
    throw new UsageError(`unknown operation '${typed}'`, `${suggestion}Run "modelarts-annotations call --help" for the operations.`);
  }
  await root.parseAsync(["call", ...args], { from: "user" });
  // Commander returns without an action only if some option ended the parse without throwing.
  if (request === undefined) throw new UsageError("no operation was called", 'Run "modelarts-annotations call --help" for the operations.');
  return request;
}
