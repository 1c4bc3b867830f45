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

/** "/body/images/0/tags/1" → "images[0].tags[1]"; "/per_page" → "per_page". Body fields go without "body.". */
function fieldName(instancePath: string): string {
  const parts = instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
  const rest = parts[0] === "body" ? parts.slice(1) : parts;
  if (parts[0] === "body" && rest.length === 0) return "body";
  let name = "";
  for (const part of rest) name += /^\d+$/.test(part) ? `[${part}]` : name === "" ? part : `.${part}`;
  return name || "request";
}

function describeOne(issue: ValidationIssue): string {
  const field = fieldName(issue.instancePath);
  if (issue.keyword === "required") {
    const missing = String(issue.params.missingProperty);
    return `${field === "request" || field === "body" ? missing : `${field}.${missing}`}: is required`;
  }
  if (issue.keyword === "additionalProperties") {
    const extra = String(issue.params.additionalProperty);
    // At the top only query keys can be unknown: path parameters come from the route, the body is "body".
    return field === "request" ? `${extra}: is not a query parameter of this operation` : `${field === "body" ? "" : `${field}.`}${extra}: is not allowed`;
  }
  if (issue.keyword === "oneOf" && /\.tags\[\d+\]$|^tags\[\d+\]$/.test(field)) {
    return `${field}: must be a tag name (image classification) or an object with tag and pos (object detection)`;
  }
  return `${field}: ${issue.message ?? "is invalid"}`;
}

/**
 * A short description naming the failing parameter or field. Issues from inside a `oneOf`'s
 * alternatives are dropped when the `oneOf` itself is reported: they say why each alternative
 * failed, which is noise next to "matches none".
 */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  const oneOfPaths = issues.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath);
  const relevant = issues.filter((e) => e.keyword === "oneOf" || !(e.schemaPath.includes("/oneOf/") && oneOfPaths.some((p) => e.instancePath.startsWith(p))));
  const descriptions = [...new Set(relevant.map(describeOne))];
  return descriptions.slice(0, 3).join("; ") + (descriptions.length > 3 ? `; and ${descriptions.length - 3} more` : "");
}
