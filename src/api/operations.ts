/**
 * The facade's view of the generated operation table (generated/operations.ts): each
 * operation's method, path, parameters and compiled validator, all taken from the spec at
 * `npm run generate`. Nothing here restates a constraint, and nothing parses the spec.
 */
import { OPERATIONS, type OperationEntry } from "../../generated/operations.js";
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

/**
 * Throws ModelArtsValidationError naming the first parameter that breaks the spec. `args` is the
 * helper's argument object (checkedArguments has made sure it is one) after defaults
 * (project_id from the context) were filled in.
 */
export function validateArguments(entry: OperationEntry, args: Record<string, unknown>): void {
  if (entry.validate(args)) return;
  const { path, problem } = entry.validate.errors![0]!;
  throw new ModelArtsValidationError(path, problem, entry.operationId);
}
