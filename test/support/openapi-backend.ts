/**
 * The bundled spec loaded into openapi-backend, a third-party validator that the tests use as
 * an independent oracle of the contract: the emulator and the client validate with the
 * argument schemas of the operation table (generated/operations.ts), and this checks both against the spec from
 * outside. Test-only; nothing the package ships imports it.
 *
 * Loaded once per process: quick mode compiles each operation's validators on first use.
 */
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
  // A copy: openapi-backend dereferences the definition in place, and tests share the import.
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
    const previous = Object.hasOwn(query, key) ? query[key] : undefined;
    // defineProperty, so that a key such as "__proto__" is a key, not the object's prototype.
    Object.defineProperty(query, key, { value: previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value], enumerable: true, writable: true, configurable: true });
  }
  return query;
}
