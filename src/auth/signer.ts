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
import { SIGNING_ALGORITHM, canonicalQuery, canonicalRequestHead, canonicalUri, formatSdkDate, stringToSign } from "./canonical.js";
import { hmacSha256HexAsync, sha256HexAsync } from "./digest-web.js";
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

// The rules of a signature, stated once here: the Web Crypto signer below follows them
// plainly, and the Node signer (./signer-node.js) with its own tuned hot path; a property
// test holds the two byte-identical.

function requireCredential(value: string, field: string): string {
  if (value === "") throw new ModelArtsConfigError(`cannot sign: ${field} is empty`, { field });
  return value;
}

/** AK, SK and security token as text; an empty token means none, as in the official SDKs. */
export function credentialParts(credentials: SigningCredentials): [ak: string, sk: string, securityToken: string | undefined] {
  const token = credentials.securityToken;
  return [requireCredential(credentials.ak, "ak"), requireCredential(revealSecret(credentials.sk), "sk"), (token && revealSecret(token)) || undefined];
}

/**
 * A request's own X-Sdk-Date, refused here rather than as an opaque signature mismatch from
 * the gateway. The form only: the client never sets this header, and a caller who does
 * writes it with formatSdkDate or by hand, where the form is what goes wrong (an ISO date);
 * the gateway judges the instant.
 */
export function checkSdkDate(given: string | undefined): string | undefined {
  if (given !== undefined && !/^\d{8}T\d{6}Z$/.test(given)) {
    throw new ModelArtsArgumentError("X-Sdk-Date", `must be YYYYMMDDTHHMMSSZ (UTC), got '${given}'`);
  }
  return given;
}

/** The headers a signature adds: X-Sdk-Date, X-Security-Token with a token, and Authorization. */
export function headersToAdd(ak: string, securityToken: string | undefined, sdkDate: string, signedHeaders: string, signature: string): Record<string, string> {
  const added: Record<string, string> = { "X-Sdk-Date": sdkDate };
  if (securityToken !== undefined) added["X-Security-Token"] = securityToken;
  added.Authorization = `${SIGNING_ALGORITHM} Access=${ak}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return added;
}

type SyncSigner = (request: SignableRequest, credentials: SigningCredentials, date?: Date) => Record<string, string>;

let registeredSyncSigner = (): SyncSigner | undefined => undefined;

/**
 * Called by ./signer-node.js when it loads: from then on both functions below sign on
 * node:crypto whenever `signer()` gives a signer (it gives none where node:crypto is missing).
 */
export function useSyncSigner(signer: () => SyncSigner | undefined): void {
  registeredSyncSigner = signer;
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
    throw new ModelArtsConfigError("signRequest needs the Node entry's node:crypto; use signRequestAsync");
  }
  return syncSigner(request, credentials, date);
}

/** `signRequest` for any runtime: the same headers, on node:crypto when the Node entry is loaded, on Web Crypto otherwise. */
export async function signRequestAsync(request: SignableRequest, credentials: SigningCredentials, date?: Date): Promise<Record<string, string>> {
  return (registeredSyncSigner() ?? signRequestWithWebCrypto)(request, credentials, date);
}

/** The Web Crypto path alone; exported for tests that check it against the Node path on Node. */
export async function signRequestWithWebCrypto(request: SignableRequest, credentials: SigningCredentials, date?: Date): Promise<Record<string, string>> {
  const [ak, sk, securityToken] = credentialParts(credentials);
  const url = new URL(request.url);
  // fetch's own Headers applies the rules to what fetch will send: names lowercased, values
  // trimmed of HTTP whitespace, a repeated name's values joined with ", ", and the names
  // sorted as it iterates them.
  // (Any iterable of pairs will do, as for fetch; the DOM types name arrays only.)
  const signed = new Headers(request.headers as HeadersInit | undefined);
  // Not signed: the Authorization this returns replaces it.
  signed.delete("authorization");
  const sdkDate = checkSdkDate(signed.get("x-sdk-date") ?? undefined) ?? formatSdkDate(date);
  signed.set("x-sdk-date", sdkDate);
  // URL.host already omits the scheme's default port, as the gateway expects.
  if (!signed.has("host")) signed.set("host", url.host);
  if (securityToken !== undefined) signed.set("x-security-token", securityToken);
  const names = [...signed.keys()];
  const signedHeaders = names.join(";");
  const { method, body } = request;
  const head = canonicalRequestHead(
    // fetch upper-cases these six and sends any other method as written (so "patch" stays
    // "patch"); signing the same spelling keeps the signature valid for what goes out.
    /^(delete|get|head|options|post|put)$/i.test(method) ? method.toUpperCase() : method,
    canonicalUri(url.pathname),
    canonicalQuery(url.search),
    names.map((name) => name + ":" + signed.get(name) + "\n").join(""),
    signedHeaders,
  );
  const payloadHash = await sha256HexAsync(body ?? "");
  return headersToAdd(ak, securityToken, sdkDate, signedHeaders, await hmacSha256HexAsync(sk, stringToSign(sdkDate, await sha256HexAsync(head + payloadHash))));
}
