/**
 * The bundled spec (generated/openapi.json) loaded into openapi-backend: the router
 * that turns method and path into an operationId, and the request validator. The
 * emulator answers only what the spec allows, so it is the spec, not hand-written
 * checks, that decides whether a request is valid.
 *
 * Loaded once per process: building the Ajv validators is the expensive part (about
 * a second for all operations), so quick mode compiles each operation's validators
 * on its first use, and the definition check is left to the spec's own lint and drift
 * checks.
 */
import type { ErrorObject } from "ajv";
// A named import: openapi-backend is CommonJS, and what its default import gives differs
// between Node's loader (module.exports) and bundler-style interop (exports.default).
import { OpenAPIBackend, type Document, type Operation } from "openapi-backend";
import spec from "../../generated/openapi.json" with { type: "json" };

export type ApiBackend = OpenAPIBackend<Document>;
export type ApiOperation = Operation<Document>;

let backend: Promise<ApiBackend> | undefined;

export function loadApiBackend(): Promise<ApiBackend> {
  backend ??= createBackend().catch((error: unknown) => {
    backend = undefined; // let a later call retry rather than cache the failure
    throw error;
  });
  return backend;
}

async function createBackend(): Promise<ApiBackend> {
  // A copy: openapi-backend dereferences the definition in place, and the client shares this module.
  const definition = structuredClone(spec) as unknown as Document;
  const api = new OpenAPIBackend<Document>({
    definition,
    quick: true,
    strict: true,
    // Query and path values arrive as strings; the spec types page and per_page as integers.
    coerceTypes: true,
    customizeAjv: (ajv) => {
      // Ajv knows no formats by itself and would warn on every schema that names this one.
      ajv.addFormat("date-time", { type: "string", validate: (value: string) => !Number.isNaN(Date.parse(value)) });
      return ajv;
    },
  });
  await api.init();
  return api;
}

/** A query string as openapi-backend takes it: repeated keys become arrays. */
export function parseQuery(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(search)) {
    const previous = query[key];
    query[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return query;
}

// ---------------------------------------------------------------------------
// Turning Ajv's errors into the one-line detail of ModelArts.0104

/** "/requestBody/images/0/tags/1" → "images[0].tags[1]"; "/query/per_page" → "per_page". */
function fieldName(instancePath: string): string {
  const parts = instancePath.split("/").slice(1).map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
  const [location, ...rest] = parts;
  if (location === undefined) return "request";
  if (rest.length === 0) return location === "requestBody" ? "body" : location;
  let name = "";
  for (const part of rest) name += /^\d+$/.test(part) ? `[${part}]` : name === "" ? part : `.${part}`;
  return name;
}

function describeOne(error: ErrorObject): string {
  const field = fieldName(error.instancePath);
  if (error.keyword === "required") {
    const missing = String((error.params as { missingProperty?: unknown }).missingProperty);
    const name = missing === "requestBody" ? "body" : field === "body" || field === "request" ? missing : `${field}.${missing}`;
    return `${name}: is required`;
  }
  if (error.keyword === "additionalProperties") {
    const extra = String((error.params as { additionalProperty?: unknown }).additionalProperty);
    return field === "query" ? `${extra}: is not a query parameter of this operation` : `${field === "body" ? "" : `${field}.`}${extra}: is not allowed`;
  }
  if (error.keyword === "oneOf" && /\.tags\[\d+\]$|^tags\[\d+\]$/.test(field)) {
    return `${field}: must be a tag name (image classification) or an object with tag and pos (object detection)`;
  }
  if (error.keyword === "parse") return `${field}: ${error.message ?? "cannot be parsed"}`;
  return `${field}: ${error.message ?? "is invalid"}`;
}

/**
 * A short description naming each failing parameter or field. Errors from inside a
 * `oneOf`'s alternatives are dropped when the `oneOf` itself is reported: they say
 * why each alternative failed, which is noise next to "matches none".
 */
export function describeValidationErrors(errors: readonly ErrorObject[]): string {
  const oneOfPaths = errors.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath);
  const relevant = errors.filter(
    (e) => e.keyword === "oneOf" || !(e.schemaPath.includes("/oneOf/") && oneOfPaths.some((p) => e.instancePath.startsWith(p))),
  );
  const descriptions = [...new Set(relevant.map(describeOne))];
  return descriptions.slice(0, 3).join("; ") + (descriptions.length > 3 ? `; and ${descriptions.length - 3} more` : "");
}
