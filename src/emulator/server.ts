/**
 * HTTP plumbing, in the order a request meets the real service: route (404
 * ModelArts.4204), body size (413 ModelArts.4104), gateway authentication (401/403),
 * JSON syntax (400 ModelArts.4105), validation against the spec (400 ModelArts.0104),
 * an injected fault if one is queued (429/500/503, see faults.ts), then the operation's
 * handler. Every answer carries X-Request-Id, and every error the shared body
 * { error_code, error_msg }. With the cors option, the allowed origin's preflights are
 * answered before all that (a browser sends them without credentials).
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { ApiError, apiErrors } from "./errors.js";
import type { Gateway } from "./auth.js";
import { InjectedFault, type FaultQueue } from "./faults.js";
import type { OperationId, OperationRequest, OperationResult } from "./handlers.js";
import type { CorsPolicy } from "./options.js";
import { argumentsOf, describeIssue, matchOperation, queryWithDefaults, type Matched } from "./router.js";

interface RequestListenerOptions {
  gateway: Gateway;
  handlers: Record<OperationId, (request: OperationRequest) => OperationResult>;
  maxBodyBytes: number;
  faults: FaultQueue;
  log: (line: string) => void;
  cors: CorsPolicy | undefined;
  /** See EmulatorOptions.statusLagMs. */
  statusLagMs: number;
}

const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"] as const;

/** Every request header the client may send that is not CORS-safelisted, lower case as browsers list them. */
const CORS_ALLOWED_HEADERS = "authorization, x-sdk-date, x-security-token, x-auth-token, x-project-id, content-type";
/** How long a browser may reuse a preflight's answer, in seconds (Chromium caps it at 7200). */
const CORS_MAX_AGE_SECONDS = "600";

/**
 * The CORS headers for a request: none unless its Origin is exactly the allowed one. The
 * origin is echoed, never "*": the client's requests carry credentials in their headers.
 * Vary: Origin goes on every answer once CORS is on, since the answer depends on it.
 */
function corsHeaders(cors: CorsPolicy | undefined, req: IncomingMessage): Record<string, string> | undefined {
  if (cors === undefined) return undefined;
  if (req.headers.origin !== cors.origin) return { Vary: "Origin" };
  return { Vary: "Origin", "Access-Control-Allow-Origin": cors.origin, "Access-Control-Expose-Headers": "X-Request-Id" };
}

/** The methods the spec declares for a path, or none when the path is not one of the spec's. */
function specMethods(pathname: string): string[] {
  return HTTP_METHODS.filter((method) => matchOperation(method, pathname) !== undefined);
}

class BodyTooLarge extends Error {}

/** The request stream failed: the client went away (closed or reset the connection) before the body was complete. */
class ClientGone extends Error {}

/**
 * The whole body, or BodyTooLarge as soon as it passes the limit (at once, when
 * Content-Length says it will). After that the rest is read and dropped: the 413 goes
 * with Connection: close, and Node closes the connection once the 413 has finished,
 * whether or not the client is still sending.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    let received = 0;
    let refused = false;
    const chunks: Buffer[] = [];
    const refuse = () => {
      refused = true;
      chunks.length = 0;
      reject(new BodyTooLarge());
    };
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (refused) return;
      if (received > limit) refuse();
      else chunks.push(chunk);
    });
    req.on("end", () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    req.on("error", () => {
      if (!refused) reject(new ClientGone());
    });
    if (Number.isFinite(declared) && declared > limit) refuse();
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The JSON body of an operation that declares one; undefined when none was sent. */
function parseJsonBody(req: IncomingMessage, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const contentType = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (contentType !== "application/json") {
    throw apiErrors.parameter(`Content-Type: must be application/json, got ${JSON.stringify(req.headers["content-type"] ?? "nothing")}`);
  }
  try {
    return JSON.parse(utf8.decode(body));
  } catch {
    throw apiErrors.malformedJson();
  }
}

interface Routed extends Matched {
  search: string;
}

export function createRequestListener(options: RequestListenerOptions): RequestListener {
  const { gateway, handlers, maxBodyBytes, faults, log, cors, statusLagMs } = options;
  // Per project and job: the status answer from before the latest sync_obs, and until when it is still given.
  const lagging = new Map<string, { before: OperationResult; until: number }>();

  /** The handler, with the service's status lag laid over sync_obs and sync_obs_status. */
  function handle(operationId: OperationId, request: OperationRequest): OperationResult {
    if (statusLagMs === 0 || (operationId !== "sync_obs" && operationId !== "sync_obs_status")) return handlers[operationId](request);
    const key = `${request.params["project_id"]}/${request.params["data_annotation_id"]}`;
    if (operationId === "sync_obs_status") {
      const lag = lagging.get(key);
      if (lag !== undefined && performance.now() < lag.until) return lag.before;
      lagging.delete(key);
      return handlers[operationId](request);
    }
    const lag = lagging.get(key);
    let before: OperationResult;
    try {
      before = lag !== undefined && performance.now() < lag.until ? lag.before : handlers.sync_obs_status(request);
    } catch {
      return handlers[operationId](request); // an unknown job: sync_obs gives the error itself
    }
    const result = handlers[operationId](request);
    if (result.status === 202 && before.status === 200) lagging.set(key, { before, until: performance.now() + statusLagMs });
    return result;
  }

  function route(req: IncomingMessage): Routed {
    const method = req.method ?? "GET";
    const rawUrl = req.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const pathname = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const search = queryAt === -1 ? "" : rawUrl.slice(queryAt + 1);
    const matched = matchOperation(method, pathname);
    if (matched === undefined || !(matched.entry.operationId in handlers)) throw apiErrors.apiNotFound(method, pathname);
    return { ...matched, search };
  }

  async function answer(req: IncomingMessage): Promise<OperationResult> {
    const { entry, params, search } = route(req);
    const operationId: OperationId = entry.operationId;
    const method = req.method as string;
    const received = { method, rawUrl: req.url ?? "/", headers: req.headersDistinct };
    // As the gateway does: what the headers alone refuse is refused before a byte of the body is
    // read, so unauthenticated uploads cost no memory (the caller closes the connection on them).
    try {
      gateway.authenticate({ ...received, body: undefined }, params["project_id"] ?? "");
    } catch (error) {
      throw Object.assign(error as object, { bodyUnread: true });
    }
    const body = await readBody(req, maxBodyBytes);
    gateway.authenticate({ ...received, body }, params["project_id"] ?? "");

    const json = entry.body === null ? undefined : parseJsonBody(req, body);
    const args = argumentsOf({ entry, params }, search, json);
    if (!entry.validate(args)) throw apiErrors.parameter(describeIssue(entry.validate.errors![0]!));

    // Here, and not earlier: a fault goes only to a request the service would have accepted,
    // so a client's retry of it is a call that can succeed, and requests refused at the
    // gateway or by validation do not use up a fault meant for the calls under test. And
    // not later: the handler has not run, so a faulted call changes no state.
    const fault = faults.take(operationId);
    if (fault !== undefined) throw fault;

    return handle(operationId, { params, query: queryWithDefaults(entry, args), body: json });
  }

  function send(res: ServerResponse, result: OperationResult): void {
    if (!("body" in result)) {
      res.writeHead(result.status).end();
      return;
    }
    const payload = Buffer.from(JSON.stringify(result.body), "utf8");
    res.writeHead(result.status, { "Content-Type": "application/json", "Content-Length": payload.length }).end(payload);
  }

  /**
   * A preflight of the allowed origin for one of the spec's paths: 204 with what may be
   * sent there. Anything else that comes with OPTIONS (another origin, no cors option, a
   * path the spec does not have) goes on to routing, which answers 404 as for any method
   * the spec does not declare.
   */
  function answerPreflight(req: IncomingMessage, res: ServerResponse, allowed: Record<string, string> | undefined): boolean {
    if (req.method !== "OPTIONS" || allowed?.["Access-Control-Allow-Origin"] === undefined) return false;
    if (req.headers["access-control-request-method"] === undefined) return false;
    const methods = specMethods((req.url ?? "/").split("?")[0] as string);
    if (methods.length === 0) return false;
    res
      .writeHead(204, {
        "Access-Control-Allow-Methods": methods.join(", "),
        "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS,
        "Access-Control-Max-Age": CORS_MAX_AGE_SECONDS,
      })
      .end();
    return true;
  }

  return (req, res) => {
    const started = performance.now();
    const requestId = randomBytes(16).toString("hex");
    res.setHeader("X-Request-Id", requestId);
    const cross = corsHeaders(cors, req);
    for (const [name, value] of Object.entries(cross ?? {})) res.setHeader(name, value);
    const path = (req.url ?? "/").split("?")[0];
    if (answerPreflight(req, res, cross)) {
      // The preflight has no body to wait for; drain whatever a client sent anyway.
      req.resume();
      log(`${requestId} OPTIONS ${path} 204 (CORS preflight for ${String(req.headers["access-control-request-method"])}) ${(performance.now() - started).toFixed(1)} ms`);
      return;
    }
    let note = "";
    answer(req)
      .catch((error: unknown): OperationResult | undefined => {
        if (error instanceof InjectedFault) note = " (injected fault)";
        if (error instanceof ClientGone) {
          // Nobody is left to answer; not the emulator's fault, so no stack.
          log(`${requestId} ${req.method} ${path} client went away before its body was complete`);
          return undefined;
        }
        if (error instanceof BodyTooLarge) {
          // The answer goes before the rest of the body has come, so the connection cannot
          // carry another request: Node closes it once this answer has gone out.
          res.setHeader("Connection", "close");
          error = apiErrors.bodyTooLarge();
        }
        // Refused before its body was read: closing the connection after the answer discards the
        // rest of the body unread, instead of Node draining it to keep the connection alive.
        if ((error as { bodyUnread?: boolean } | null)?.bodyUnread === true) res.setHeader("Connection", "close");
        if (error instanceof ApiError) return { status: error.status, body: error.body };
        log(`${requestId} internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return { status: 500, body: apiErrors.internal().body };
      })
      .then((result) => {
        if (result === undefined || res.headersSent || res.destroyed) return;
        send(res, result);
        const code = "body" in result && typeof result.body === "object" && result.body !== null && "error_code" in result.body ? ` ${String(result.body.error_code)}` : "";
        log(`${requestId} ${req.method} ${path} ${result.status}${code}${note} ${(performance.now() - started).toFixed(1)} ms`);
      })
      .catch((error: unknown) => log(`${requestId} could not send the answer: ${String(error)}`));
  };
}
