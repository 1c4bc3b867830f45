/**
 * The facade's view of the generated operation table (generated/operations.ts): each
 * operation's method, path, parameters and compiled validator, all taken from the spec at
 * `npm run generate`. Nothing here restates a constraint, and nothing parses the spec.
 */
import { OPERATIONS, type OperationEntry, type ValidationIssue } from "../../generated/operations.js";
import type { operations, paths } from "../../generated/schema.js";
import { ModelArtsValidationError } from "../errors.js";

export type OperationId = keyof operations;

/**
 * The method and path under which `paths` holds exactly operation `O`. A table entry (or any
 * hand-written wiring) that names another operation's path or method is not assignable to it.
 */
export type WiredTo<O extends OperationId> = {
  [P in keyof paths]: {
    [M in keyof paths[P]]: [paths[P][M]] extends [operations[O]] ? ([operations[O]] extends [paths[P][M]] ? { method: M; path: P } : never) : never;
  }[keyof paths[P]];
}[keyof paths];

// The generated table must wire every operation to its own method and path: if the generator
// ever got it wrong, this line would fail `tsc`, not a request at run time.
const WIRED: { readonly [O in OperationId]: WiredTo<O> & { readonly operationId: O } } = OPERATIONS;

export function operationEntry<O extends OperationId>(operationId: O): OperationEntry & WiredTo<O> {
  return WIRED[operationId] as unknown as OperationEntry & WiredTo<O>;
}

/** The argument names an operation takes, for messages: path and query parameters, then body. */
export function argumentNames(entry: OperationEntry): string[] {
  return [...entry.pathParameters, ...entry.queryParameters.map((p) => p.name)].concat(entry.body ? ["body"] : []);
}

/** `/body/images/0/tags` → `body.images[0].tags` */
function parameterName(issue: ValidationIssue, relativeTo = ""): string {
  const segments = issue.instancePath.slice(relativeTo.length).split("/").slice(1);
  if (issue.keyword === "required") segments.push(String(issue.params.missingProperty));
  if (issue.keyword === "additionalProperties" && segments.length > 0) segments.push(String(issue.params.additionalProperty));
  return segments
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((name, segment) => (/^\d+$/.test(segment) ? `${name}[${segment}]` : name ? `${name}.${segment}` : segment), "");
}

function problem(issue: ValidationIssue, entry: OperationEntry): string {
  switch (issue.keyword) {
    case "required":
      return "is required";
    case "additionalProperties":
      return issue.instancePath === ""
        ? `is not a parameter of ${entry.operationId}; it takes ${argumentNames(entry).join(", ")}`
        : "is not a field the API accepts";
    default:
      return issue.message ?? "is invalid";
  }
}

/**
 * Throws ModelArtsValidationError naming the first parameter that breaks the spec. `args` is the
 * helper's argument object (checkedArguments has made sure it is one) after defaults
 * (project_id from the context) were filled in.
 */
export function validateArguments(entry: OperationEntry, args: Record<string, unknown>): void {
  if (entry.validate(args)) return;
  const issues = entry.validate.errors ?? [];
  // A value that fits no branch of a oneOf (a tag that is neither a name nor a box) gets every
  // branch's reason, not just the first branch's, which alone would mislead ("must be string").
  const oneOf = issues.find((e) => e.keyword === "oneOf");
  if (oneOf !== undefined) {
    const reasons = issues
      .filter((e) => e !== oneOf && e.instancePath.startsWith(oneOf.instancePath))
      .map((e) => {
        const inner = parameterName(e, oneOf.instancePath);
        return `${inner ? `${inner}: ` : ""}${problem(e, entry)}`;
      });
    throw new ModelArtsValidationError(parameterName(oneOf), `fits none of its allowed forms (${reasons.join("; or ")})`, entry.operationId);
  }
  const issue = issues[0];
  if (issue === undefined) throw new ModelArtsValidationError("(arguments)", "are invalid", entry.operationId);
  const name = issue.keyword === "additionalProperties" && issue.instancePath === "" ? String(issue.params.additionalProperty) : parameterName(issue);
  throw new ModelArtsValidationError(name || "(arguments)", problem(issue, entry), entry.operationId);
}
