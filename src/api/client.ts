import { createRequire } from "node:module";
import { inspect } from "node:util";
import createFetchClient, { type Client } from "openapi-fetch";
import type { paths } from "../../generated/schema.js";
import { resolveContext, type ConfigOptions, type ResolvedConfig } from "../config/index.js";
import { ModelArtsValidationError } from "../errors.js";
import { createTransport, type Transport } from "./transport.js";

const DEFAULT_TIMEOUT_MS = 30_000;
const transports = new WeakMap<ModelArtsClient, Transport>();

/** The client's transport, for helpers that pass a per-call timeout. Not part of the public API. */
export function transportOf(client: ModelArtsClient): Transport {
  return transports.get(client)!;
}

// AbortSignal.timeout takes a whole number of milliseconds up to 2^31-1; anything else would
// surface later as a RangeError, or a timer clamped to 1 ms.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Throws ModelArtsValidationError unless `value` is a usable timeout (0 disables it). */
export function checkTimeout(value: unknown, operation?: string): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_TIMEOUT_MS) return value;
  throw new ModelArtsValidationError("timeoutMs", `must be a whole number of milliseconds from 0 (no timeout) to ${MAX_TIMEOUT_MS}, got ${String(value)}`, operation);
}

/** Throws unless `client` came from createClient (the helpers need its transport). */
export function checkClient(client: unknown): ModelArtsClient {
  // Known by its transport, not by instanceof: Object.create(client) passes instanceof but has none.
  if (typeof client === "object" && client !== null && transports.has(client as ModelArtsClient)) return client as ModelArtsClient;
  throw new ModelArtsValidationError("client", "must be a ModelArtsClient from createClient()");
}

function defaultUserAgent(): string {
  // Read through the package's own export so it is right in the repository and when installed.
  const { version } = createRequire(import.meta.url)("modelarts-data-annotations/package.json") as { version: string };
  return `modelarts-data-annotations/${version} node/${process.version}`;
}

export interface CreateClientOptions extends ConfigOptions {
  /** Default timeout of each call, in milliseconds; 0 disables it. Default 30 000. */
  timeoutMs?: number;
  /** Custom transport (a proxy agent, a recorder); receives the signed Request. Default: global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** Sent as User-Agent. Default: `modelarts-data-annotations/<version> node/<version>`. */
  userAgent?: string;
  /** Environment to read HUAWEICLOUD_SDK_* and MODELARTS_* from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A configured connection to one ModelArts endpoint: what `createClient` returns and what
 * `DataAnnotationsApi` and `LabelApi` are built on. Credentials stay inside the transport;
 * printing or serialising a client shows where it points, never what it authenticates with.
 */
export class ModelArtsClient {
  /** The typed openapi-fetch client, for callers who want the HTTP level. Requests through it are signed too. */
  readonly raw: Client<paths>;
  readonly endpoint: string;
  readonly region: string | undefined;
  readonly projectId: string | undefined;
  readonly context: string | undefined;
  readonly timeoutMs: number;
  readonly #authKind: "aksk" | "token";

  constructor(config: ResolvedConfig, options: Pick<CreateClientOptions, "timeoutMs" | "fetch" | "userAgent"> = {}) {
    const timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (options.fetch !== undefined && typeof options.fetch !== "function") {
      throw new ModelArtsValidationError("fetch", "must be a function (request: Request) => Promise<Response>");
    }
    this.endpoint = config.endpoint;
    this.region = config.region;
    this.projectId = config.projectId;
    this.context = config.context;
    this.timeoutMs = timeoutMs;
    this.#authKind = config.credentials.kind;
    const transport = createTransport({
      credentials: config.credentials,
      timeoutMs,
      userAgent: options.userAgent ?? defaultUserAgent(),
      fetch: options.fetch ?? ((request) => globalThis.fetch(request)),
    });
    transports.set(this, transport);
    this.raw = createFetchClient<paths>({ baseUrl: config.endpoint, fetch: (request) => transport(request) });
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

  [inspect.custom](): string {
    return `ModelArtsClient ${inspect(this.toJSON())}`;
  }
}

/**
 * Builds a client from explicit options, the environment and the named context, in that order
 * of precedence (see README). `createClient({ context: "default" })` mirrors the legacy SDK's
 * `config.create_client(context="default")`.
 */
export function createClient(options: CreateClientOptions = {}): ModelArtsClient {
  const { timeoutMs, fetch, userAgent, env, ...configOptions } = options;
  const config = resolveContext(configOptions, env ?? process.env);
  return new ModelArtsClient(config, {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(fetch !== undefined ? { fetch } : {}),
    ...(userAgent !== undefined ? { userAgent } : {}),
  });
}
