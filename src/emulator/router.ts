/**
 * Routing and request validation from the generated operation table: the same table and the
 * same compiled validators as the client, so that the two accept and reject the same requests.
 * The emulator answers only what the spec allows; nothing here restates a constraint.
 */
import { OPERATIONS, OPERATION_IDS, type OperationEntry, type ParameterEntry, type ValidationIssue } from "../../generated/operations.js";
import { apiErrors } from "./errors.js";
import type { OperationId } from "./handlers.js";

interface Route {
  entry: OperationEntry & { operationId: OperationId };
  pattern: RegExp;
  names: string[];
  /** Literal segments first: "/images/delete" must win over "/images/{image_id}". */
  literals: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const ROUTES: Route[] = OPERATION_IDS.map((id) => {
  const entry = OPERATIONS[id] as OperationEntry & { operationId: OperationId };
  const names: string[] = [];
  const source = entry.path
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined) return escapeRegExp(part);
      names.push(name);
      return "([^/]+)";
    })
    .join("");
  return { entry, pattern: new RegExp(`^${source}$`), names, literals: entry.path.split("/").filter((s) => s !== "" && !s.startsWith("{")).length };
}).sort((a, b) => b.literals - a.literals);

export interface Matched {
  entry: OperationEntry & { operationId: OperationId };
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // Left as sent: a malformed escape then fails the parameter's pattern, as the service refuses it.
    return segment;
  }
}

/** The operation for `method` and `pathname`, or undefined (the gateway's 404 ModelArts.4204). */
export function matchOperation(method: string, pathname: string): Matched | undefined {
  const lower = method.toLowerCase();
  for (const route of ROUTES) {
    if (route.entry.method !== lower) continue;
    const match = route.pattern.exec(pathname);
    if (match === null) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = decode(match[i + 1] as string)));
    return { entry: route.entry, params };
  }
  return undefined;
}

/**
 * Query values arrive as text; a parameter the spec types as a number is read as one when the
 * text is a plain number (anything else stays text and fails its type). A key given twice
 * becomes a list, which no parameter of the spec takes.
 */
function typedQueryValue(parameter: ParameterEntry, text: string): unknown {
  if (parameter.type === "integer" && /^-?\d+$/.test(text)) return Number(text);
  if (parameter.type === "number" && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (parameter.type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

/**
 * The operation's argument object as the client builds it: path and query parameters by name,
 * plus `body`. A query key that is not one of the operation's query parameters (a path
 * parameter's name, `body`, `__proto__`) cannot be put beside them without replacing or
 * hiding one, so it is refused here as the unknown parameter it is.
 */
export function argumentsOf(matched: Matched, search: string, body: unknown): Record<string, unknown> {
  const args: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  Object.assign(args, matched.params);
  for (const [key, text] of new URLSearchParams(search)) {
    const parameter = matched.entry.queryParameters.find((p) => p.name === key);
    if (parameter === undefined) throw apiErrors.parameter(`${key}: is not a query parameter of this operation`);
    const value = typedQueryValue(parameter, text);
    const previous = args[key];
    args[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  if (body !== undefined) args.body = body;
  return args;
}

/** The query parameters with the spec's defaults filled in, for the handler. */
export function queryWithDefaults(entry: OperationEntry, args: Record<string, unknown>): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const p of entry.queryParameters) {
    const value = args[p.name] ?? p.default;
    if (value !== undefined) query[p.name] = value;
  }
  return query;
}

// ---------------------------------------------------------------------------
// The one-line detail of ModelArts.0104

/**
 * The validator's problem, naming the field as the service does: body fields without "body."
 * ("images[0].tags: is required"), parameters by name.
 */
export function describeIssue({ path, problem }: ValidationIssue): string {
  return `${path.replace(/^body\./, "")}: ${problem}`;
}
