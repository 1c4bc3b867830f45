/** Checks on the errors thrown for bad arguments, shared by the waiter's and the iterator's tests. */
import { expect } from "vitest";
import { ModelArtsArgumentError, ModelArtsValidationError } from "../../src/index.node.js";

// The spec's parameters (and unknown keys, which the spec's validator refuses) are refused as
// ModelArtsValidationError; our own options (timeouts, signal, callbacks) as ModelArtsArgumentError.
const SPEC_PARAMETERS = new Set(["data_annotation_id", "project_id", "per_page", "page", "tag_name", "intervalMS", "perpage"]);

export function expectRefusal(error: unknown, name: string): void {
  if (SPEC_PARAMETERS.has(name)) {
    expect(error).toBeInstanceOf(ModelArtsValidationError);
    expect((error as ModelArtsValidationError).parameter).toBe(name);
  } else {
    expect(error).toBeInstanceOf(ModelArtsArgumentError);
    expect((error as ModelArtsArgumentError).argument).toBe(name);
  }
}
