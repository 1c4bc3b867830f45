import { resolveOptions } from "../config/portable.js";
import type { ConfigOptions, ResolvedConfig } from "../config/types.js";
import { ModelArtsArgumentError } from "../errors.js";
import { INSPECT } from "../platform/node.js";
import { createRawClient, type RawClient } from "./openapi-fetch.js";
import { checkRetry, type RetryPolicy } from "./retry.js";
import { createTransport, type Transport } from "./transport.js";

const DEFAULT_TIMEOUT_MS = 30_000;
const transports = new WeakMap<ModelArtsClient, Transport>();

/** The client's transport, for helpers that pass a per-call timeout. Not part of the public API. */
export function transportOf(client: ModelArtsClient): Transport {
  return transports.get(client)!;
}

/**
 * `value` if it is a whole number from `least` to `most`, else a ModelArtsArgumentError naming
 * `argument`: the one check of the client's and the waiter's durations and sizes.
 */
export function checkWhole(argument: string, value: unknown, least: number, most: number, operation?: string, unit = "milliseconds"): number {
  if (Number.isInteger(value) && (value as number) >= least && (value as number) <= most) return value as number;
  throw new ModelArtsArgumentError(argument, `must be a whole number of ${unit} from ${least} to ${most}, got ${String(value)}`, operation);
}

/** The longest a timer (setTimeout, AbortSignal.timeout) takes: anything longer would surface as a RangeError, or a timer clamped to 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Throws ModelArtsArgumentError unless `value` is a usable timeout (0 disables it). */
export function checkTimeout(value: unknown, operation?: string): number {
  return checkWhole("timeoutMs", value, 0, MAX_TIMER_MS, operation);
}

/** Throws unless `client` came from createClient (the helpers need its transport). */
export function checkClient(client: unknown): ModelArtsClient {
  // Known by its transport, not by instanceof: Object.create(client) passes instanceof but has none.
  // (WeakMap.has is false for a primitive, null included, rather than throwing.)
  if (transports.has(client as ModelArtsClient)) return client as ModelArtsClient;
  throw new ModelArtsArgumentError("client", "must be a ModelArtsClient from createClient()");
}

export interface CreateClientOptions extends ConfigOptions {
  /** Default timeout of each call, in milliseconds; 0 disables it. Default 30 000. */
  timeoutMs?: number;
  /** Custom transport (a proxy agent, a recorder); receives the signed Request. Default: global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /**
   * Retries of every helper (and so of the waiter's polls and the iterator's pages): `false`, or
   * fields over the defaults `{ maxRetries: 3, baseDelayMs: 500, maxDelayMs: 20_000, retryWrites: false }`.
   */
  retry?: Partial<RetryPolicy> | false;
  /** Sent as User-Agent. Default on Node: `modelarts-data-annotations/<version> node/<version>`; elsewhere the runtime's own (a browser refuses to let a page set one). */
  userAgent?: string;
  /**
   * Largest response body read, in bytes; a larger one is cut off while it streams and the call
   * fails with CLIENT.RESPONSE_TOO_LARGE. 0 disables the limit. Default 64 MiB.
   */
  maxResponseBytes?: number;
  /** Node entry only: the environment to read HUAWEICLOUD_SDK_* and MODELARTS_* from, instead of process.env. The portable entry (browsers, Workers) reads options alone and refuses it. */
  env?: Record<string, string | undefined>;
}

/**
 * A configured connection to one ModelArts endpoint: what `createClient` returns and what
 * `DataAnnotationsApi` and `LabelApi` are built on. Credentials stay inside the transport;
 * printing or serialising a client shows where it points, never what it authenticates with.
 */
export class ModelArtsClient {
  /** The typed openapi-fetch client, for callers who want the HTTP level. Requests through it are signed too. */
  declare readonly raw: RawClient;
  declare readonly endpoint: string;
  declare readonly region: string | undefined;
  declare readonly projectId: string | undefined;
  declare readonly context: string | undefined;
  declare readonly timeoutMs: number;
  declare readonly retry: RetryPolicy;

  constructor(
    config: ResolvedConfig,
    options: Pick<CreateClientOptions, "timeoutMs" | "fetch" | "userAgent" | "maxResponseBytes" | "retry"> = {},
    runtime: RuntimeDefaults = {},
  ) {
    const { endpoint, region, projectId, context, credentials } = config;
    const { fetch = (request: Request) => globalThis.fetch(request), userAgent = runtime.userAgent } = options;
    const timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (typeof fetch !== "function") throw new ModelArtsArgumentError("fetch", "must be a function (request: Request) => Promise<Response>");
    const { limitResponses } = runtime;
    if (limitResponses === undefined && options.maxResponseBytes !== undefined) {
      throw new ModelArtsArgumentError("maxResponseBytes", "is applied only on Node.js");
    }
    const limited = limitResponses?.(fetch, options.maxResponseBytes);
    const transport = createTransport({ credentials, timeoutMs, userAgent, fetch: limited ?? fetch });
    transports.set(this, transport);
    // The transport takes a per-call timeout as its second argument: openapi-fetch's second argument must not reach it.
    Object.assign(this, { raw: createRawClient(endpoint, (request) => transport(request)), endpoint, region, projectId, context, timeoutMs, retry: checkRetry(options.retry) });
  }

  toJSON(): Record<string, unknown> {
    const { raw, retry, ...shown } = this;
    return { ...shown, auth: transportOf(this).auth };
  }

  [INSPECT](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return `ModelArtsClient ${inspect(this.toJSON(), options)}`;
  }
}

/** How a runtime turns the config options (and, on Node, the environment and the file) into a configuration. */
export type ConfigResolver = (options: ConfigOptions, env: Record<string, string | undefined> | undefined) => ResolvedConfig;

/**
 * What a runtime's entry adds to every client it makes: the Node entry its User-Agent and the
 * response limit (src/api/response-limit.ts); the portable entry nothing, so that a browser sends
 * its own User-Agent (it refuses to let a page set one) and its bundle carries no limit.
 */
export interface RuntimeDefaults {
  userAgent?: string;
  /** Wraps the client's fetch in the response limit, checking the caller's `maxResponseBytes` (undefined: its default). */
  limitResponses?: (fetch: (request: Request) => Promise<Response>, maxResponseBytes: number | undefined) => (request: Request) => Promise<Response>;
}

/** createClient for a runtime: the portable one resolves options alone, the Node entry adds the environment and the file. */
export function clientFactory(resolve: ConfigResolver, runtime?: RuntimeDefaults): (options?: CreateClientOptions) => ModelArtsClient {
  return (options = {}) => {
    const { timeoutMs, fetch, userAgent, env, maxResponseBytes, retry, ...configOptions } = options;
    // An option left undefined takes its default in the constructor, like one not given.
    return new ModelArtsClient(resolve(configOptions, env), options, runtime);
  };
}

/**
 * Builds a client. On Node (the package's Node entry), from explicit options, the environment
 * and the named context, in that order of precedence (see README): `createClient({ context:
 * "default" })` mirrors the legacy SDK's `config.create_client(context="default")`. Elsewhere
 * (browsers, Workers), from the options alone.
 */
export const createClient: (options?: CreateClientOptions) => ModelArtsClient = clientFactory((options, env) => resolveOptions(options, env));
