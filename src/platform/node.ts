/**
 * Node's built-in modules without a static import, so that the client entry bundles for browsers
 * and Workers (where these are undefined) while Node keeps its synchronous fast paths: SHA-256 and
 * HMAC through node:crypto, the config file through node:fs. `process.getBuiltinModule` exists from
 * Node 20.16; the package asks for 20.19.
 */
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

/** "node/v20.19.0" on Node; undefined elsewhere (a browser sets its own User-Agent). */
export function runtimeTag(): string | undefined {
  // Not through nodeProcess(): this is the one function of the module in the portable bundle.
  const version = (globalThis as { process?: NodeProcess }).process?.versions?.node;
  return version === undefined ? undefined : `node/v${version}`;
}

export function platformName(): string | undefined {
  return nodeProcess()?.platform;
}

/** Key of the method `util.inspect` calls, without importing node:util. */
export const INSPECT = Symbol.for("nodejs.util.inspect.custom");
