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

// AbortSignal.timeout takes a whole number of milliseconds up to 2^31-1; anything else would
// surface later as a RangeError, or a timer clamped to 1 ms.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Throws ModelArtsArgumentError unless `value` is a usable timeout (0 disables it). */
export function checkTimeout(value: unknown, operation?: string): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_TIMEOUT_MS) return value;
  throw new ModelArtsArgumentError("timeoutMs", `must be a whole number of milliseconds from 0 (no timeout) to ${MAX_TIMEOUT_MS}, got ${String(value)}`, operation);
}

/** Throws unless `client` came from createClient (the helpers need its transport). */
export function checkClient(client: unknown): ModelArtsClient {
  // Known by its transport, not by instanceof: Object.create(client) passes instanceof but has none.
  if (typeof client === "object" && client !== null && transports.has(client as ModelArtsClient)) return client as ModelArtsClient;
  throw new ModelArtsArgumentError("client", "must be a ModelArtsClient from createClient()");
}

/** Undefined in a browser, which sends its own User-Agent and refuses to let a page set one. */
function defaultUserAgent(): string | undefined {
  const runtime = runtimeTag();
  // The version is fixed at build time (generated/version.ts), so a bundled copy needs no package.json.
  return runtime === undefined ? undefined : `${PACKAGE_NAME}/${PACKAGE_VERSION} ${runtime}`;
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
  /** Environment to read HUAWEICLOUD_SDK_* and MODELARTS_* from. Default: process.env on Node; elsewhere none unless given (a Worker's bindings, say). */
  env?: Record<string, string | undefined>;
}

/**
 * A configured connection to one ModelArts endpoint: what `createClient` returns and what
 * `DataAnnotationsApi` and `LabelApi` are built on. Credentials stay inside the transport;
 * printing or serialising a client shows where it points, never what it authenticates with.
 */
export class ModelArtsClient {
  /** The typed openapi-fetch client, for callers who want the HTTP level. Requests through it are signed too. */
  readonly raw: RawClient;
  readonly endpoint: string;
  readonly region: string | undefined;
  readonly projectId: string | undefined;
  readonly context: string | undefined;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly #authKind: "aksk" | "token" | "provider";

  constructor(config: ResolvedConfig, options: Pick<CreateClientOptions, "timeoutMs" | "fetch" | "userAgent" | "maxResponseBytes" | "retry"> = {}) {
    const timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 0) {
      throw new ModelArtsArgumentError("maxResponseBytes", `must be a whole number of bytes from 0 (no limit), got ${String(maxResponseBytes)}`);
    }
    if (options.fetch !== undefined && typeof options.fetch !== "function") {
      throw new ModelArtsArgumentError("fetch", "must be a function (request: Request) => Promise<Response>");
    }
    this.endpoint = config.endpoint;
    this.region = config.region;
    this.projectId = config.projectId;
    this.context = config.context;
    this.timeoutMs = timeoutMs;
    this.retry = checkRetry(options.retry);
    this.#authKind = config.credentials.kind;
    const transport = createTransport({
      credentials: config.credentials,
      timeoutMs,
      userAgent: options.userAgent ?? defaultUserAgent(),
      fetch: options.fetch ?? ((request) => globalThis.fetch(request)),
      maxResponseBytes,
    });
    transports.set(this, transport);
    this.raw = createRawClient(config.endpoint, (request) => transport(request));
  }

  toJSON(): Record<string, unknown> {
    return {
      endpoint: this.endpoint,
      region: this.region,
      projectId: this.projectId,
      context: this.context,
      auth: this.#authKind,
      timeoutMs: this.timeoutMs,
    };
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
    // An option left undefined takes its default in the constructor (`??`), like one not given.
    return new ModelArtsClient(resolve(configOptions, env), { timeoutMs, fetch, userAgent, maxResponseBytes, retry });
  };
}

/**
 * Builds a client. On Node (the package's Node entry), from explicit options, the environment
 * and the named context, in that order of precedence (see README): `createClient({ context:
 * "default" })` mirrors the legacy SDK's `config.create_client(context="default")`. Elsewhere
 * (browsers, Workers), from the options alone.
 */
export const createClient: (options?: CreateClientOptions) => ModelArtsClient = clientFactory((options, env) => resolveOptions(options, env));
