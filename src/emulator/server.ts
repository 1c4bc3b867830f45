/**
 * HTTP plumbing, in the order a request meets the real service: route (404
 * ModelArts.4204), body size (413 ModelArts.4104), gateway authentication (401/403),
 * JSON syntax (400 ModelArts.4105), validation against the spec (400 ModelArts.0104),
 * an injected fault if one is queued (429/500/503, see faults.ts), then the operation's
 * handler. Every answer carries X-Request-Id, and every error the shared body
 * { error_code, error_msg }.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { ApiError, apiErrors } from "./errors.js";
import type { Gateway } from "./auth.js";
import { InjectedFault, type FaultQueue } from "./faults.js";
import type { OperationId, OperationRequest, OperationResult } from "./handlers.js";
import { argumentsOf, describeIssues, matchOperation, queryWithDefaults, type Matched } from "./router.js";

interface RequestListenerOptions {
  gateway: Gateway;
  handlers: Record<OperationId, (request: OperationRequest) => OperationResult>;
  maxBodyBytes: number;
  faults: FaultQueue;
  log: (line: string) => void;
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
  const { gateway, handlers, maxBodyBytes, faults, log } = options;

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
    const body = await readBody(req, maxBodyBytes);

    gateway.authenticate({ method, rawUrl: req.url ?? "/", headers: req.headersDistinct, body }, params["project_id"] ?? "");

    const json = entry.body === null ? undefined : parseJsonBody(req, body);
    const args = argumentsOf({ entry, params }, search, json);
    if (!entry.validate(args)) throw apiErrors.parameter(describeIssues(entry.validate.errors ?? []));

    // Here, and not earlier: a fault goes only to a request the service would have accepted,
    // so a client's retry of it is a call that can succeed, and requests refused at the
    // gateway or by validation do not use up a fault meant for the calls under test. And
    // not later: the handler has not run, so a faulted call changes no state.
    const fault = faults.take(operationId);
    if (fault !== undefined) throw fault;

    return handlers[operationId]({ params, query: queryWithDefaults(entry, args), body: json });
  }

  function send(res: ServerResponse, result: OperationResult): void {
    if (!("body" in result)) {
      res.writeHead(result.status).end();
      return;
    }
    const payload = Buffer.from(JSON.stringify(result.body), "utf8");
    res.writeHead(result.status, { "Content-Type": "application/json", "Content-Length": payload.length }).end(payload);
  }

  return (req, res) => {
    const started = performance.now();
    const requestId = randomBytes(16).toString("hex");
    res.setHeader("X-Request-Id", requestId);
    const path = (req.url ?? "/").split("?")[0];
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
