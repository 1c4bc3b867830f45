/**
 * Node's built-in modules without a static import, so that the client entry bundles for browsers
 * and Workers (where these are undefined) while Node keeps its synchronous fast paths: SHA-256 and
 * HMAC through node:crypto, the config file through node:fs. `process.getBuiltinModule` exists from
 * Node 20.16; the package asks for 20.19.
 */
import { PACKAGE_NAME, PACKAGE_VERSION } from "../../generated/version.js";

type NodeProcess = {
  getBuiltinModule?: (id: string) => unknown;
  env?: Record<string, string | undefined>;
  version?: string;
  versions?: { node?: string };
  platform?: string;
};

function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

/** The built-in module `id` ("node:crypto"), or undefined outside Node. */
export function nodeBuiltin<T>(id: string): T | undefined {
  return nodeProcess()?.getBuiltinModule?.(id) as T | undefined;
}

/** The built-in module `id`, or an Error that says what needed it. */
export function requireNodeBuiltin<T>(id: string, neededFor: string): T {
  const module = nodeBuiltin<T>(id);
  if (module === undefined) throw new Error(`${neededFor} needs Node.js (${id}), which this runtime does not provide`);
  return module;
}

/** The process environment on Node; empty elsewhere. */
export function processEnv(): Record<string, string | undefined> {
  return nodeProcess()?.env ?? {};
}

/** The Node entry's User-Agent: "modelarts-data-annotations/0.1.0 node/v20.19.0". The version is fixed at build time (generated/version.ts), so a bundled copy needs no package.json. */
export function nodeUserAgent(): string {
  return `${PACKAGE_NAME}/${PACKAGE_VERSION} node/${nodeProcess()?.version ?? "unknown"}`;
}

export function platformName(): string | undefined {
  return nodeProcess()?.platform;
}

/** Key of the method `util.inspect` calls, without importing node:util. */
export const INSPECT = Symbol.for("nodejs.util.inspect.custom");
