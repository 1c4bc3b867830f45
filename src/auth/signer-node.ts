/**
 * The synchronous signer on Node's crypto, the fast path: what `signRequest` runs once the
 * Node entry has loaded this module, and what `signRequestAsync` then prefers to Web Crypto.
 */
import { stringToSign } from "./canonical.js";
import { nodeBuiltin } from "../platform/node.js";
import { keyedHmacSha256Hex, sha256Hex } from "./digest-node.js";
import { headersToAdd, parseUrl, prepare, useSyncSigner, type SignableRequest, type SigningCredentials } from "./signer.js";
import { plainHttpUrlParts } from "./url.js";

/**
 * The keyed HMAC of each credentials object, so its SK is padded once per client rather
 * than per request. Weak, so the cache lives exactly as long as the credentials; the SK is
 * compared on each use in case the object was mutated.
 */
/** Hash of the empty body, the most common payload (GET, DELETE). */
const EMPTY_PAYLOAD_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const hmacCache = new WeakMap<SigningCredentials, { sk: string; hmac: (data: string) => string }>();

function hmacFor(credentials: SigningCredentials, sk: string): (data: string) => string {
  const cached = hmacCache.get(credentials);
  if (cached !== undefined && cached.sk === sk) return cached.hmac;
  const hmac = keyedHmacSha256Hex(sk);
  hmacCache.set(credentials, { sk, hmac });
  return hmac;
}

export function signRequestOnNode(request: SignableRequest, credentials: SigningCredentials, date?: Date): Record<string, string> {
  const url = (typeof request.url === "string" && plainHttpUrlParts(request.url)) || parseUrl(request.url);
  const prepared = prepare(request, credentials, date, url);
  const payload = prepared.payload;
  const payloadHash = payload === undefined || payload.length === 0 ? EMPTY_PAYLOAD_HASH : sha256Hex(payload);
  const canonicalHash = sha256Hex(prepared.canonicalHead + payloadHash);
  return headersToAdd(prepared, hmacFor(credentials, prepared.sk)(stringToSign(prepared.sdkDate, canonicalHash)));
}

// Only where node:crypto exists: a runtime that resolves the "node" condition without it
// (an edge runtime, say) keeps signing on Web Crypto.
useSyncSigner(signRequestOnNode, () => nodeBuiltin("node:crypto") !== undefined);
