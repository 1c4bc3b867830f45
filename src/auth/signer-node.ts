/**
 * The synchronous signer on Node's crypto, the fast path: what `signRequest` runs once the
 * Node entry has loaded this module, and what `signRequestAsync` then prefers to Web Crypto.
 * It follows the rules of ./signer.js, with a hot path of its own: the browser bundle does
 * not carry code that only makes Node faster.
 */
import { canonicalQuery, canonicalRequestHead, canonicalUri, formatSdkDate, stringToSign, trimHeaderValue } from "./canonical.js";
import { nodeBuiltin } from "../platform/node.js";
import { keyedHmacSha256Hex, sha256Hex } from "./digest-node.js";
import { checkSdkDate, credentialParts, headersToAdd, useSyncSigner, type SignableRequest, type SigningCredentials } from "./signer.js";
import { plainHttpUrlParts, type SignedUrlParts } from "./url.js";

/** Hash of the empty body, the most common payload (GET, DELETE). */
const EMPTY_PAYLOAD_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * The keyed HMAC of each credentials object, so its SK is padded once per client rather
 * than per request. Weak, so the cache lives exactly as long as the credentials; the SK is
 * compared on each use in case the object was mutated.
 */
const hmacCache = new WeakMap<SigningCredentials, { sk: string; hmac: (data: string) => string }>();

function hmacFor(credentials: SigningCredentials, sk: string): (data: string) => string {
  const cached = hmacCache.get(credentials);
  if (cached !== undefined && cached.sk === sk) return cached.hmac;
  const hmac = keyedHmacSha256Hex(sk);
  hmacCache.set(credentials, { sk, hmac });
  return hmac;
}

// Requests come many to the second; formatting is worth skipping for repeats.
let lastFormatted = { second: NaN, text: "" };

function sdkDateOf(date: Date | undefined): string {
  const second = Math.floor((date === undefined ? Date.now() : date.getTime()) / 1000);
  if (second !== lastFormatted.second) lastFormatted = { second, text: formatSdkDate(new Date(second * 1000)) };
  return lastFormatted.text;
}

/**
 * Puts `value` under the lowercase `name` in `names` (kept sorted) and `values`: after any
 * value already there, joined with ", " as fetch's Headers sends a repeated name (so the
 * signed value is the sent one), or in its place. A request has a handful of headers, so a
 * sorted insert beats a map and a sort on the signer's hot path.
 */
function putHeader(names: string[], values: string[], name: string, value: string, replace: boolean): void {
  let at = names.length;
  while (at > 0 && (names[at - 1] as string) > name) at--;
  if (at > 0 && names[at - 1] === name) {
    values[at - 1] = replace ? value : values[at - 1] + ", " + value;
    return;
  }
  for (let i = names.length; i > at; i--) {
    names[i] = names[i - 1] as string;
    values[i] = values[i - 1] as string;
  }
  names[at] = name;
  values[at] = value;
}

const isHttpWhitespace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** The value as fetch sends it. Most need no trimming, and telling so is cheaper than the trim's regular expression. */
function trimmed(value: string): string {
  const padded = value !== "" && (isHttpWhitespace(value.charCodeAt(0)) || isHttpWhitespace(value.charCodeAt(value.length - 1)));
  return padded ? trimHeaderValue(value) : value;
}

function addRequestHeader(names: string[], values: string[], name: string, value: string): void {
  const key = name.toLowerCase();
  // Not signed: the Authorization this returns replaces it.
  if (key !== "authorization") putHeader(names, values, key, trimmed(value), false);
}

// fetch upper-cases these six and sends any other method as written.
const FETCH_NORMALIZED_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);

function normalizeMethod(method: string): string {
  if (FETCH_NORMALIZED_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return FETCH_NORMALIZED_METHODS.has(upper) ? upper : method;
}

function urlParts(url: string | URL): SignedUrlParts {
  const plain = typeof url === "string" ? plainHttpUrlParts(url) : undefined;
  if (plain !== undefined) return plain;
  const { host, pathname, search } = typeof url === "string" ? new URL(url) : url;
  return { host, pathname, search, canonicalPath: canonicalUri(pathname), canonicalQuery: canonicalQuery(search) };
}

export function signRequestOnNode(request: SignableRequest, credentials: SigningCredentials, date?: Date): Record<string, string> {
  const [ak, sk, securityToken] = credentialParts(credentials);
  const url = urlParts(request.url);

  const names: string[] = [];
  const values: string[] = [];
  const headers = request.headers;
  if (headers !== undefined) {
    if (Symbol.iterator in headers) {
      for (const [name, value] of headers) addRequestHeader(names, values, name, value);
    } else {
      for (const name of Object.keys(headers)) addRequestHeader(names, values, name, headers[name] as string);
    }
  }
  // values[-1] is undefined: no such header.
  const sdkDate = checkSdkDate(values[names.indexOf("x-sdk-date")]) ?? sdkDateOf(date);
  putHeader(names, values, "x-sdk-date", sdkDate, true);
  if (!names.includes("host")) putHeader(names, values, "host", url.host, true);
  if (securityToken !== undefined) putHeader(names, values, "x-security-token", trimmed(securityToken), true);

  let headerLines = "";
  let signedHeaders = "";
  for (let i = 0; i < names.length; i++) {
    headerLines += names[i] + ":" + values[i] + "\n";
    signedHeaders += (i === 0 ? "" : ";") + names[i];
  }
  const body = request.body;
  const payload = body instanceof ArrayBuffer ? new Uint8Array(body) : body;
  const payloadHash = payload === undefined || payload === null || payload.length === 0 ? EMPTY_PAYLOAD_HASH : sha256Hex(payload);
  const head = canonicalRequestHead(normalizeMethod(request.method), url.canonicalPath, url.canonicalQuery, headerLines, signedHeaders);
  return headersToAdd(ak, securityToken, sdkDate, signedHeaders, hmacFor(credentials, sk)(stringToSign(sdkDate, sha256Hex(head + payloadHash))));
}

// Only where node:crypto exists: a runtime that resolves the "node" condition without it
// (an edge runtime, say) keeps signing on Web Crypto. That is asked at the first signature,
// not at import, because loading node:crypto costs a third of the package's import time.
let usable: boolean | undefined;
useSyncSigner(() => ((usable ??= nodeBuiltin("node:crypto") !== undefined) ? signRequestOnNode : undefined));
