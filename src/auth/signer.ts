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
import { SIGNING_ALGORITHM, canonicalQuery, canonicalRequestHead, canonicalUri, formatSdkDate, stringToSign, trimHeaderValue } from "./canonical.js";
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

/**
 * The keyed HMAC of each credentials object, so its SK is imported into Web Crypto once per
 * client rather than per request. Weak, so the cache lives exactly as long as the
 * credentials; the SK is compared on each use in case the object was mutated.
 */
const asyncHmacCache = new WeakMap<SigningCredentials, { sk: string; hmac: Promise<(data: string) => Promise<string>> }>();

function asyncHmacFor(credentials: SigningCredentials, sk: string): Promise<(data: string) => Promise<string>> {
  let cached = asyncHmacCache.get(credentials);
  if (cached?.sk !== sk) asyncHmacCache.set(credentials, (cached = { sk, hmac: keyedHmacSha256HexAsync(sk) }));
  return cached.hmac;
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
  /** The signed header names, sorted and joined with ";". */
  signedHeaders: string;
  /** The canonical request up to the payload hash, its last line. */
  canonicalHead: string;
  payload: string | Uint8Array | undefined;
}

/** What a signature reads of the URL: `URL.host`, `URL.pathname` and `URL.search`. */
export interface SignedUrlParts {
  host: string;
  pathname: string;
  search: string;
  /** `canonicalUri(pathname)` and `canonicalQuery(search)`, when the parser could tell them at no cost. */
  canonicalPath?: string;
  canonicalQuery?: string;
}

export const parseUrl = (url: string | URL): SignedUrlParts => (typeof url === "string" ? new URL(url) : url);

/** `url` is the request's URL, parsed by the caller: the Node signer has a faster way for the common case. */
export function prepare(request: SignableRequest, credentials: SigningCredentials, date: Date | undefined, url: SignedUrlParts): Prepared {
  const ak = requireCredential(credentials.ak, "ak");
  const sk = requireCredential(revealSecret(credentials.sk), "sk");
  // An empty token means none, as in the official SDKs.
  const securityToken = credentials.securityToken === undefined ? undefined : revealSecret(credentials.securityToken) || undefined;

  // Lowercase name -> trimmed value; a repeated name joins its values with ", ", as fetch's
  // Headers sends them, so that the signed value is the sent one.
  const signed = new Map<string, string>();
  const headers = request.headers ?? [];
  for (const [name, value] of Symbol.iterator in headers ? headers : Object.entries(headers)) {
    const key = name.toLowerCase();
    const previous = signed.get(key);
    signed.set(key, (previous === undefined ? "" : previous + ", ") + trimHeaderValue(value));
  }
  // Not signed: the Authorization this returns replaces it.
  signed.delete("authorization");
  const given = signed.get("x-sdk-date");
  // Caught here rather than as an opaque signature mismatch from the gateway. The form only:
  // the client never sets this header, and a caller who does writes it with formatSdkDate or
  // by hand, where the form is what goes wrong (an ISO date); the gateway judges the instant.
  if (given !== undefined && !/^\d{8}T\d{6}Z$/.test(given)) {
    throw new ModelArtsArgumentError("X-Sdk-Date", `must be YYYYMMDDTHHMMSSZ (UTC), got '${given}'`);
  }
  const sdkDate = given ?? formatSdkDate(date);
  signed.set("x-sdk-date", sdkDate);
  // URL.host already omits the scheme's default port, as the gateway expects.
  if (!signed.has("host")) signed.set("host", url.host);
  if (securityToken !== undefined) signed.set("x-security-token", securityToken);

  const names = [...signed.keys()].sort();
  let headerLines = "";
  for (const name of names) headerLines += name + ":" + signed.get(name) + "\n";
  const signedHeaders = names.join(";");
  const { method, body } = request;
  return {
    ak,
    sk,
    securityToken,
    sdkDate,
    signedHeaders,
    canonicalHead: canonicalRequestHead(
      normalizeMethod(method),
      url.canonicalPath ?? canonicalUri(url.pathname),
      url.canonicalQuery ?? canonicalQuery(url.search),
      headerLines,
      signedHeaders,
    ),
    payload: body instanceof ArrayBuffer ? new Uint8Array(body) : (body ?? undefined),
  };
}

// fetch upper-cases these six and sends any other method as written (so "patch" stays
// "patch"); signing the same spelling keeps the signature valid for what goes out.
const FETCH_NORMALIZED_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);

function normalizeMethod(method: string): string {
  // The common case without toUpperCase: this runs on every signature.
  if (FETCH_NORMALIZED_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return FETCH_NORMALIZED_METHODS.has(upper) ? upper : method;
}

export function headersToAdd(prepared: Prepared, signature: string): Record<string, string> {
  const added: Record<string, string> = { "X-Sdk-Date": prepared.sdkDate };
  if (prepared.securityToken !== undefined) added["X-Security-Token"] = prepared.securityToken;
  added.Authorization = `${SIGNING_ALGORITHM} Access=${prepared.ak}, SignedHeaders=${prepared.signedHeaders}, Signature=${signature}`;
  return added;
}

type SyncSigner = (request: SignableRequest, credentials: SigningCredentials, date?: Date) => Record<string, string>;

let syncSigner: SyncSigner | undefined;
let syncSignerUsable: (() => boolean) | undefined;

/**
 * Called by ./signer-node.js when it loads: from then on both functions below sign on
 * node:crypto, if `usable()` says it exists. That is asked at the first signature, not at
 * import, because loading node:crypto costs a third of the package's import time.
 */
export function useSyncSigner(signer: SyncSigner, usable: () => boolean): void {
  syncSigner = signer;
  syncSignerUsable = usable;
}

function registeredSyncSigner(): SyncSigner | undefined {
  if (syncSignerUsable !== undefined && !syncSignerUsable()) syncSigner = undefined;
  syncSignerUsable = undefined;
  return syncSigner;
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
export function signRequest(request: SignableRequest, credentials: SigningCredentials, date?: Date): Record<string, string> {
  const syncSigner = registeredSyncSigner();
  if (syncSigner === undefined) {
    throw new ModelArtsConfigError("signRequest needs node:crypto (the package's Node entry); use signRequestAsync");
  }
  return syncSigner(request, credentials, date);
}

/** `signRequest` for any runtime: the same headers, on node:crypto when the Node entry is loaded, on Web Crypto otherwise. */
export async function signRequestAsync(request: SignableRequest, credentials: SigningCredentials, date?: Date): Promise<Record<string, string>> {
  const syncSigner = registeredSyncSigner();
  if (syncSigner !== undefined) return syncSigner(request, credentials, date);
  return signRequestWithWebCrypto(request, credentials, date);
}

/** The Web Crypto path alone; exported for tests that check it against the Node path on Node. */
export async function signRequestWithWebCrypto(request: SignableRequest, credentials: SigningCredentials, date?: Date): Promise<Record<string, string>> {
  const prepared = prepare(request, credentials, date, parseUrl(request.url));
  const canonicalHash = await sha256HexAsync(prepared.canonicalHead + (await sha256HexAsync(prepared.payload ?? "")));
  const hmac = await asyncHmacFor(credentials, prepared.sk);
  return headersToAdd(prepared, await hmac(stringToSign(prepared.sdkDate, canonicalHash)));
}
