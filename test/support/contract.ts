/**
 * Contract checking: every HTTP exchange a test makes is recorded by a fetch wrapper
 * and checked against generated/openapi.json with openapi-backend (an independent oracle).
 *
 * What counts as a violation:
 * - an answer whose status the operation does not declare, whose body does not match
 *   the declared schema, whose Content-Type is not JSON when a body is declared, that
 *   has a body when none is declared (204), or that lacks a declared header (X-Request-Id);
 * - a success answer to a request the spec forbids (the server accepted what it must refuse);
 * - an answer to a method and path the spec does not have, other than 404 ModelArts.4204.
 *
 * An invalid request answered with an error is not a violation: tests send those on purpose.
 */
import { loadApiBackend, parseQuery, type ApiOperation } from "./openapi-backend.js";

export interface RecordedRequest {
  method: string;
  /** Absolute URL as sent. */
  url: string;
  headers: Record<string, string>;
  /** Body as UTF-8 text; undefined when none was sent. */
  body: string | undefined;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RecordedExchange {
  request: RecordedRequest;
  response: RecordedResponse;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

interface DeclaredResponse {
  headers?: Record<string, unknown>;
  content?: Record<string, unknown>;
}

function declaredResponse(operation: ApiOperation, status: number): DeclaredResponse | undefined {
  const responses = (operation.responses ?? {}) as Record<string, DeclaredResponse>;
  return responses[String(status)] ?? responses[`${Math.floor(status / 100)}XX`] ?? responses["default"];
}

const isErrorBody = (value: unknown): boolean =>
  typeof value === "object" && value !== null && typeof (value as Record<string, unknown>)["error_code"] === "string" && typeof (value as Record<string, unknown>)["error_msg"] === "string";

const describeErrors = (errors: readonly { instancePath: string; message?: string }[] | null | undefined): string =>
  (errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`).join("; ");

/** The contract violations of one exchange; empty when it is in order. */
export async function checkExchange(exchange: RecordedExchange): Promise<string[]> {
  const api = await loadApiBackend();
  const { request, response } = exchange;
  const url = new URL(request.url);
  const label = `${request.method} ${url.pathname}${url.search} → ${response.status}`;
  const violations: string[] = [];
  const responseJson = parseJson(response.body);

  const operation = api.matchOperation({ method: request.method, path: url.pathname, headers: request.headers, query: url.search.slice(1) });
  if (operation === undefined) {
    const notFound = response.status === 404 && responseJson.ok && isErrorBody(responseJson.value) && (responseJson.value as { error_code: string }).error_code === "ModelArts.4204";
    if (!notFound) violations.push(`${label}: the spec has no such operation, so the answer must be 404 ModelArts.4204`);
    return violations;
  }

  // The request, as the spec sees it.
  let requestProblem: string | undefined;
  let requestBody: unknown;
  if (operation.requestBody !== undefined && request.body !== undefined && request.body !== "") {
    const parsed = parseJson(request.body);
    if (parsed.ok) requestBody = parsed.value;
    else requestProblem = "the body is not JSON";
  }
  if (requestProblem === undefined) {
    const result = api.validateRequest(
      { method: request.method, path: url.pathname, headers: request.headers, query: parseQuery(url.search), body: requestBody },
      operation,
    );
    if (!result.valid) requestProblem = describeErrors(result.errors);
  }
  if (requestProblem !== undefined && response.status < 400) {
    violations.push(`${label}: a success answer to a request the spec forbids (${requestProblem})`);
  }

  // The response.
  const declared = declaredResponse(operation, response.status);
  if (declared === undefined) {
    violations.push(`${label}: ${operation.operationId} does not declare status ${response.status}`);
    return violations;
  }
  for (const name of Object.keys(declared.headers ?? {})) {
    if (response.headers[name.toLowerCase()] === undefined) violations.push(`${label}: the declared header ${name} is missing`);
  }
  if (declared.content === undefined) {
    if (response.body !== "") violations.push(`${label}: status ${response.status} declares no body, but one was sent`);
    return violations;
  }
  const contentType = (response.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (contentType !== "application/json") violations.push(`${label}: Content-Type is ${JSON.stringify(response.headers["content-type"] ?? "missing")}, not application/json`);
  if (!responseJson.ok) {
    violations.push(`${label}: the body is not JSON`);
    return violations;
  }
  const result = api.validateResponse(responseJson.value, operation, response.status);
  if (!result.valid) violations.push(`${label}: the body does not match the schema: ${describeErrors(result.errors)}`);
  return violations;
}

/**
 * Records every exchange made through `recorder.fetch`, passing everything through
 * to the real fetch untouched (both bodies are read from clones).
 */
export class ContractRecorder {
  readonly exchanges: RecordedExchange[] = [];
  readonly #baseFetch: typeof fetch;

  constructor(baseFetch: typeof fetch = globalThis.fetch) {
    this.#baseFetch = baseFetch;
  }

  /** A fetch for openapi-fetch's `fetch` option or direct calls. */
  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const body = request.body === null ? undefined : await request.clone().text();
    const response = await this.#baseFetch(request);
    const recorded: RecordedExchange = {
      request: { method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body },
      response: { status: response.status, headers: Object.fromEntries(response.headers), body: await response.clone().text() },
    };
    this.exchanges.push(recorded);
    return response;
  };

  async violations(): Promise<string[]> {
    const all = await Promise.all(this.exchanges.map(checkExchange));
    return all.flat();
  }

  /** Throws listing every violation; a test's afterEach calls it. */
  async assertNoViolations(): Promise<void> {
    const violations = await this.violations();
    if (violations.length > 0) {
      throw new Error(`${violations.length} contract violation(s) in ${this.exchanges.length} exchanges:\n  ${violations.join("\n  ")}`);
    }
  }

  clear(): void {
    this.exchanges.length = 0;
  }
}
