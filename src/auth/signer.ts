/**
 * AK/SK request signing (SDK-HMAC-SHA256). Pure: it reads the request and returns the
 * headers to set, so it can run in a fetch middleware, a retry loop or a test alike
 * (its caches change speed, never results). The canonical form lives in ./canonical.js,
 * shared with the emulator's verifier.
 *
 * Two ways to the same headers: `signRequest` synchronously on Node's crypto (the fast
 * path, which ./signer-node.js provides to the Node entry), `signRequestAsync` anywhere,
 * on that fast path when it is there and on Web Crypto otherwise (browsers, Workers). The
 * transport uses the async one. The portable entry carries no node:crypto code at all.
 */
import { ModelArtsArgumentError, ModelArtsConfigError } from "../errors.js";
import { EMPTY_PAYLOAD_HASH, canonicalRequest, formatAuthorization, formatSdkDate, parseSdkDate, stringToSign, trimHeaderValue } from "./canonical.js";
import { keyedHmacSha256HexAsync, sha256HexAsync } from "./digest-web.js";
import { Secret, revealSecret } from "./secret.js";

export interface SignableRequest {
  method: string;
  url: string | URL;
  headers?: Record<string, string> | Headers | Iterable<[string, string]>;
  body?: string | Uint8Array | ArrayBuffer | null;
}

export interface SigningCredentials {
  ak: string;
  sk: string | Secret;
  securityToken?: string | Secret;
}

function appendHeader(out: Map<string, string>, name: string, value: string): void {
  const key = name.toLowerCase();
  const trimmed = trimHeaderValue(value);
  const previous = out.get(key);
  out.set(key, previous === undefined ? trimmed : previous + ", " + trimmed);
}

/**
 * Lowercase name -> trimmed value. Repeated names are joined with ", ", which is
 * what fetch's Headers puts on the wire for them, so the signed value is the sent one.
 */
function collectHeaders(headers: SignableRequest["headers"]): Map<string, string> {
  const out = new Map<string, string>();
  if (headers === undefined) return out;
  if (Symbol.iterator in headers) {
    for (const [name, value] of headers) appendHeader(out, name, value);
  } else {
    for (const name of Object.keys(headers)) appendHeader(out, name, headers[name] as string);
  }
  return out;
}

function payloadOf(body: SignableRequest["body"]): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  return body instanceof ArrayBuffer ? new Uint8Array(body) : body;
}

function sdkDateOf(headers: Map<string, string>, date: Date): string {
  const given = headers.get("x-sdk-date");
  if (given === undefined) return formatSdkDate(date);
  // Caught here rather than as an opaque signature mismatch from the gateway.
  if (parseSdkDate(given) === undefined) {
    throw new ModelArtsArgumentError("X-Sdk-Date", `must be YYYYMMDDTHHMMSSZ (UTC), got '${given}'`);
  }
  return given;
}

// fetch upper-cases these six and sends any other method as written (so "patch" stays
// "patch"); signing the same spelling keeps the signature valid for what goes out.
const FETCH_NORMALIZED_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);

function normalizeMethod(method: string): string {
  if (FETCH_NORMALIZED_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return FETCH_NORMALIZED_METHODS.has(upper) ? upper : method;
}

/**
 * The keyed HMAC of each credentials object, so its SK is padded (or imported into Web
 * Crypto) once per client rather than per request. Weak, so the cache lives exactly as
 * long as the credentials; the SK is compared on each use in case the object was mutated.
 */
const asyncHmacCache = new WeakMap<SigningCredentials, { sk: string; hmac: Promise<(data: string) => Promise<string>> }>();

function asyncHmacFor(credentials: SigningCredentials, sk: string): Promise<(data: string) => Promise<string>> {
  const cached = asyncHmacCache.get(credentials);
  if (cached !== undefined && cached.sk === sk) return cached.hmac;
  const hmac = keyedHmacSha256HexAsync(sk);
  asyncHmacCache.set(credentials, { sk, hmac });
  return hmac;
}

function requireCredential(value: string, field: string): string {
  if (value === "") throw new ModelArtsConfigError(`cannot sign: ${field} is empty`, { field });
  return value;
}

/** Everything but the digests: the canonical request still lacks its payload hash. */
export interface Prepared {
  ak: string;
  sk: string;
  securityToken: string | undefined;
  sdkDate: string;
  signedHeaders: string[];
  canonical: (payloadHash: string) => string;
  payload: string | Uint8Array | undefined;
}

export function prepare(request: SignableRequest, credentials: SigningCredentials, date: Date): Prepared {
  const ak = requireCredential(credentials.ak, "ak");
  const sk = requireCredential(revealSecret(credentials.sk), "sk");
  // An empty token means none, as in the official SDKs.
  const securityToken = credentials.securityToken === undefined ? undefined : revealSecret(credentials.securityToken) || undefined;

  const url = typeof request.url === "string" ? new URL(request.url) : request.url;
  const headers = collectHeaders(request.headers);
  headers.delete("authorization");
  const sdkDate = sdkDateOf(headers, date);
  headers.set("x-sdk-date", sdkDate);
  // URL.host already omits the scheme's default port, as the gateway expects.
  if (!headers.has("host")) headers.set("host", url.host);
  if (securityToken !== undefined) headers.set("x-security-token", securityToken);

  // Names are distinct, so the comparator never needs to answer 0.
  const signedHeaders = Array.from(headers.keys()).sort((a, b) => (a < b ? -1 : 1));
  const method = normalizeMethod(request.method);
  return {
    ak,
    sk,
    securityToken,
    sdkDate,
    signedHeaders,
    canonical: (payloadHash) => canonicalRequest({ method, pathname: url.pathname, search: url.search, headers, signedHeaders, payloadHash }),
    payload: payloadOf(request.body),
  };
}

export function headersToAdd(prepared: Prepared, signature: string): Record<string, string> {
  const added: Record<string, string> = { "X-Sdk-Date": prepared.sdkDate };
  if (prepared.securityToken !== undefined) added["X-Security-Token"] = prepared.securityToken;
  added.Authorization = formatAuthorization(prepared.ak, prepared.signedHeaders, signature);
  return added;
}

type SyncSigner = (request: SignableRequest, credentials: SigningCredentials, date: Date) => Record<string, string>;

let syncSigner: SyncSigner | undefined;

/** Called by ./signer-node.js when it loads: from then on both functions below sign on node:crypto. */
export function useSyncSigner(signer: SyncSigner): void {
  syncSigner = signer;
}

/**
 * Signs `request` and returns the headers to set on it: `X-Sdk-Date`,
 * `Authorization`, and `X-Security-Token` when the credentials carry one. Apply them
 * with a case-insensitive set (`Headers.set`), not by spreading into a record: they
 * replace any same-named header, and their values equal any that were already there.
 *
 * Signed: every request header, plus `host` (from the URL unless given), `x-sdk-date`
 * and `x-security-token`. Not signed: an `Authorization` header already present (a
 * re-signed retry), since the returned one replaces it.
 *
 * Synchronous, on node:crypto: once the package's Node entry is loaded in the process (the
 * registration is process-wide). Elsewhere it throws ModelArtsConfigError; use
 * `signRequestAsync`, which gives the same headers.
 */
export function signRequest(request: SignableRequest, credentials: SigningCredentials, date: Date = new Date()): Record<string, string> {
  if (syncSigner === undefined) {
    throw new ModelArtsConfigError("signRequest signs synchronously on node:crypto, which this runtime (or the package's portable entry) does not have; use signRequestAsync");
  }
  return syncSigner(request, credentials, date);
}

/** `signRequest` for any runtime: the same headers, on node:crypto when the Node entry is loaded, on Web Crypto otherwise. */
export async function signRequestAsync(request: SignableRequest, credentials: SigningCredentials, date: Date = new Date()): Promise<Record<string, string>> {
  if (syncSigner !== undefined) return syncSigner(request, credentials, date);
  return signRequestWithWebCrypto(request, credentials, date);
}

/** The Web Crypto path alone; exported for tests that check it against the Node path on Node. */
export async function signRequestWithWebCrypto(request: SignableRequest, credentials: SigningCredentials, date: Date = new Date()): Promise<Record<string, string>> {
  const prepared = prepare(request, credentials, date);
  const payloadHash = prepared.payload === undefined ? EMPTY_PAYLOAD_HASH : await sha256HexAsync(prepared.payload);
  const canonicalHash = await sha256HexAsync(prepared.canonical(payloadHash));
  const hmac = await asyncHmacFor(credentials, prepared.sk);
  return headersToAdd(prepared, await hmac(stringToSign(prepared.sdkDate, canonicalHash)));
}
