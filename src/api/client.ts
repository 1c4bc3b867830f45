import { PACKAGE_NAME, PACKAGE_VERSION } from "../../generated/version.js";
import { resolveOptions } from "../config/portable.js";
import type { ConfigOptions, ResolvedConfig } from "../config/types.js";
import { ModelArtsArgumentError } from "../errors.js";
import { INSPECT, runtimeTag } from "../platform/node.js";
import { createRawClient, type RawClient } from "./openapi-fetch.js";
import { checkRetry, type RetryPolicy } from "./retry.js";
import { createTransport, type Transport } from "./transport.js";

const DEFAULT_TIMEOUT_MS = 30_000;
// The largest answer the spec allows is get_image_info_by_ids for 1000 images (show_images_by_tag
// pages hold at most 100). The spec bounds tag names (256 characters) but not tags per image, so
// the limit leaves 64 KiB per image, about 150 detection tags with long names: 64 MiB in all.
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const transports = new WeakMap<ModelArtsClient, Transport>();

/** The client's transport, for helpers that pass a per-call timeout. Not part of the public API. */
export function transportOf(client: ModelArtsClient): Transport {
  return transports.get(client)!;
}

/** `value` if it is a whole number from 0 (which disables the limit) to `max`, else a ModelArtsArgumentError naming `argument`. */
function checkWhole(argument: string, value: unknown, unit: string, none: string, max: number, operation?: string): number {
  if (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= max) return value as number;
  throw new ModelArtsArgumentError(argument, `must be a whole number of ${unit} from 0 (no ${none}) to ${max}, got ${String(value)}`, operation);
}

/** Throws ModelArtsArgumentError unless `value` is a usable timeout (0 disables it). */
export function checkTimeout(value: unknown, operation?: string): number {
  // AbortSignal.timeout takes a whole number of milliseconds up to 2^31-1; anything else would
  // surface later as a RangeError, or a timer clamped to 1 ms.
  return checkWhole("timeoutMs", value, "milliseconds", "timeout", 2 ** 31 - 1, operation);
}

/** Throws unless `client` came from createClient (the helpers need its transport). */
export function checkClient(client: unknown): ModelArtsClient {
  // Known by its transport, not by instanceof: Object.create(client) passes instanceof but has none.
  // (WeakMap.has is false for a primitive, null included, rather than throwing.)
  if (transports.has(client as ModelArtsClient)) return client as ModelArtsClient;
  throw new ModelArtsArgumentError("client", "must be a ModelArtsClient from createClient()");
}

/** Undefined in a browser, which sends its own User-Agent and refuses to let a page set one. */
function defaultUserAgent(): string | undefined {
  const runtime = runtimeTag();
  // The version is fixed at build time (generated/version.ts), so a bundled copy needs no package.json.
  return runtime && `${PACKAGE_NAME}/${PACKAGE_VERSION} ${runtime}`;
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
  /** Sent as User-Agent. Default: `modelarts-data-annotations/<version> node/<version>`. */
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

  constructor(config: ResolvedConfig, options: Pick<CreateClientOptions, "timeoutMs" | "fetch" | "userAgent" | "maxResponseBytes" | "retry"> = {}) {
    const { endpoint, region, projectId, context, credentials } = config;
    const { fetch = (request: Request) => globalThis.fetch(request) } = options;
    const timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const maxResponseBytes = checkWhole("maxResponseBytes", options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, "bytes", "limit", Number.MAX_SAFE_INTEGER);
    if (typeof fetch !== "function") throw new ModelArtsArgumentError("fetch", "must be a function (request: Request) => Promise<Response>");
    const transport = createTransport({ credentials, timeoutMs, userAgent: options.userAgent ?? defaultUserAgent(), fetch, maxResponseBytes });
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

/** createClient for a runtime: the portable one resolves options alone, the Node entry adds the environment and the file. */
export function clientFactory(resolve: ConfigResolver): (options?: CreateClientOptions) => ModelArtsClient {
  return (options = {}) => {
    const { timeoutMs, fetch, userAgent, env, maxResponseBytes, retry, ...configOptions } = options;
    // An option left undefined takes its default in the constructor, like one not given.
    return new ModelArtsClient(resolve(configOptions, env), options);
  };
}

/**
 * Builds a client. On Node (the package's Node entry), from explicit options, the environment
 * and the named context, in that order of precedence (see README): `createClient({ context:
 * "default" })` mirrors the legacy SDK's `config.create_client(context="default")`. Elsewhere
 * (browsers, Workers), from the options alone.
 */
export const createClient: (options?: CreateClientOptions) => ModelArtsClient = clientFactory((options, env) => resolveOptions(options, env));
