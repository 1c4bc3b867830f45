/**
 * Reads each operation's parameters straight from the bundled spec, so the facade validates
 * arguments against the very constraints the service (and the emulator) enforce: patterns,
 * bounds, required fields. Nothing here restates a constraint by hand.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import spec from "../../generated/openapi.json" with { type: "json" };
import { ModelArtsValidationError } from "../errors.js";
import type { OperationId } from "./types.js";

type Json = Record<string, unknown>;

interface OperationShape {
  readonly operationId: OperationId;
  readonly method: string;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly string[];
  readonly hasBody: boolean;
  readonly validate: ValidateFunction;
}

// strict: false because OpenAPI schemas carry keywords JSON Schema does not know (example, nullable, x-*).
const ajv = new Ajv({ strict: false, allErrors: false, logger: false });
ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
ajv.addFormat("float", { type: "number", validate: (n: number) => Number.isFinite(n) });
ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i);

const document = spec as unknown as Json;
const shapes = new Map<string, OperationShape>();

function resolveRef<T>(node: T | { $ref: string }): T {
  if (node && typeof node === "object" && "$ref" in node && typeof node.$ref === "string") {
    const target = node.$ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<unknown>((at, key) => (at as Json)[key.replace(/~1/g, "/").replace(/~0/g, "~")], document);
    return target as T;
  }
  return node as T;
}

interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  schema: Json;
}

function buildShape(operationId: OperationId): OperationShape {
  for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(item)) {
      if ((operation as Json)?.operationId !== operationId) continue;
      const op = operation as Json;
      const parameters = [...((item.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])].map((p) =>
        resolveRef<ParameterObject>(p as ParameterObject),
      );
      const bodySchema = (op.requestBody as Json | undefined)
        ? ((resolveRef(op.requestBody as Json).content as Json)["application/json"] as Json).schema
        : undefined;
      const properties: Json = {};
      const required: string[] = [];
      for (const p of parameters) {
        properties[p.name] = p.schema;
        if (p.required) required.push(p.name);
      }
      if (bodySchema) {
        properties.body = bodySchema;
        required.push("body");
      }
      // The components travel with each schema so that its internal #/components refs resolve.
      const validate = ajv.compile({
        type: "object",
        properties,
        required,
        additionalProperties: false,
        components: document.components,
      });
      return {
        operationId,
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === "path").map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === "query").map((p) => p.name),
        hasBody: bodySchema !== undefined,
        validate,
      };
    }
  }
  throw new Error(`operation ${operationId} is not in generated/openapi.json`);
}

/** The operation's shape, compiled on first use: a client that calls two operations compiles two. */
export function operationShape(operationId: OperationId): OperationShape {
  let shape = shapes.get(operationId);
  if (!shape) {
    shape = buildShape(operationId);
    shapes.set(operationId, shape);
  }
  return shape;
}

/** `/body/images/0/tags` → `body.images[0].tags` */
function parameterName(error: ErrorObject): string {
  const segments = error.instancePath.split("/").slice(1);
  if (error.keyword === "required") segments.push(String(error.params.missingProperty));
  if (error.keyword === "additionalProperties" && segments.length > 0) segments.push(String(error.params.additionalProperty));
  return segments.reduce((name, segment) => (/^\d+$/.test(segment) ? `${name}[${segment}]` : name ? `${name}.${segment}` : segment), "");
}

function problem(error: ErrorObject, shape: OperationShape): string {
  switch (error.keyword) {
    case "required":
      return "is required";
    case "additionalProperties":
      return error.instancePath === ""
        ? `is not a parameter of ${shape.operationId}; it takes ${[...shape.pathParams, ...shape.queryParams, ...(shape.hasBody ? ["body"] : [])].join(", ")}`
        : "is not a field the API accepts";
    default:
      return error.message ?? "is invalid";
  }
}

/**
 * Throws ModelArtsValidationError naming the first parameter that breaks the spec. `args` is the
 * helper's argument object after defaults (project_id from the context) were filled in.
 */
export function validateArguments(shape: OperationShape, args: Json): void {
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw new ModelArtsValidationError("(arguments)", "must be an object of the operation's parameters", shape.operationId);
  }
  if (shape.validate(args)) return;
  const errors = shape.validate.errors!;
  // A value that fits no branch of a oneOf (a tag that is neither a name nor a box) gets every
  // branch's reason, not just the first branch's, which alone would mislead ("must be string").
  const oneOf = errors.find((e) => e.keyword === "oneOf");
  if (oneOf !== undefined) {
    const reasons = errors
      .filter((e) => e !== oneOf && e.instancePath.startsWith(oneOf.instancePath))
      .map((e) => {
        const inner = parameterName({ ...e, instancePath: e.instancePath.slice(oneOf.instancePath.length) });
        return `${inner ? `${inner}: ` : ""}${problem(e, shape)}`;
      });
    throw new ModelArtsValidationError(parameterName(oneOf), `fits none of its allowed forms (${reasons.join("; or ")})`, shape.operationId);
  }
  const error = errors[0]!;
  const name = error.keyword === "additionalProperties" && error.instancePath === "" ? String(error.params.additionalProperty) : parameterName(error);
  throw new ModelArtsValidationError(name || "(arguments)", problem(error, shape), shape.operationId);
}
