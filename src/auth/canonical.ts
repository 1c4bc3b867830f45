/**
 * Canonical form of a request for SDK-HMAC-SHA256, the AK/SK scheme of the Huawei
 * Cloud API gateway. Shared by the client signer and the emulator's verifier, so
 * both sides compute byte-identical strings from the same request.
 *
 * Everything here is synchronous and pure, imports nothing, and touches no secret: hashing and the HMAC are the caller's, so the
 * same strings serve the synchronous Node signer and the Web Crypto one.
 */
export const SIGNING_ALGORITHM = "SDK-HMAC-SHA256";

// ---------------------------------------------------------------------------
// Dates

/** `YYYYMMDDTHHMMSSZ` in UTC, the only form the gateway accepts in X-Sdk-Date; the current time without `date`. */
export function formatSdkDate(date = new Date()): string {
  // 2019-11-15T03:36:55.999Z -> 20191115T033655Z. Only years 0..9999 have that form ("+010000-..." does not);
  // an invalid date throws its own RangeError here.
  const text = date.toISOString().replace(/[-:]|\.\d+/g, "");
  if (text.length !== 16) throw new RangeError(`cannot format ${String(date)} as an X-Sdk-Date`);
  return text;
}

/**
 * Strict inverse of `formatSdkDate`. Rejects out-of-range fields (month 13, Feb 30,
 * hour 24, leap second 60) instead of letting them roll over, because a verifier must not
 * accept two spellings of one instant: the fields must come back unchanged from the date.
 */
export function parseSdkDate(value: string): Date | undefined {
  const iso = value.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6.000Z");
  const date = new Date(iso);
  // Unchanged by the replacement: not in the form at all (an ISO string would parse).
  return iso !== value && !isNaN(date.getTime()) && date.toISOString() === iso ? date : undefined;
}

// ---------------------------------------------------------------------------
// Percent-encoding (RFC 3986 unreserved set, uppercase hex)

export const utf8 = new TextEncoder();

/**
 * Canonical form of an already percent-encoded component: its bytes with only
 * `A-Za-z0-9-_.~` left bare (stricter than `encodeURIComponent`, which keeps `!'()*`) and
 * uppercase hex. Works on bytes rather than through `decodeURIComponent` so that it never
 * throws: a `%` without two hex digits stays a literal `%`, and escapes that are not valid
 * UTF-8 keep their exact bytes (as Go's net/url does, which the Go SDK signs from) rather
 * than collapsing into U+FFFD. Text between escapes is taken as UTF-8 (a lone surrogate as
 * U+FFFD, as TextEncoder and fetch write it). Text already canonical comes back unchanged.
 */
function reencode(encoded: string): string {
  return encoded.replace(/((?:%[\dA-Fa-f]{2})+)|[^\w.~%-]+|%/g, (run: string, escapes: string | undefined) => {
    const bytes = escapes === undefined ? utf8.encode(run) : escapes.slice(1).split("%").map((hex) => parseInt(hex, 16));
    return Array.from(bytes, (b) => {
      const c = String.fromCharCode(b);
      return /[\w.~-]/.test(c) ? c : "%" + b.toString(16).padStart(2, "0").toUpperCase();
    }).join("");
  });
}

// ---------------------------------------------------------------------------
// Request parts

/**
 * Canonical path: each segment decoded and re-encoded, always ending in "/". The
 * trailing slash exists only in the signature; the request keeps its own path.
 * Segments are split before decoding so that an encoded "%2F" stays inside its segment.
 */
export function canonicalUri(pathname: string): string {
  const uri = pathname.split("/").map(reencode).join("/");
  return uri.endsWith("/") ? uri : uri + "/";
}

/**
 * Canonical query: one `k=v` per value (a key without value gives `k=`), sorted by
 * encoded key, then encoded value, in byte order. Encoded strings are ASCII, so plain
 * string comparison is byte order. A "+" means a space, as in URLSearchParams (an escaped
 * plus is a plus).
 *
 * Parsed here rather than through URLSearchParams so that escapes which are not valid
 * UTF-8 keep their bytes, exactly as `canonicalUri` does for the path. (The Node signer
 * has a faster way for URLs already in canonical form: ./url.js.)
 */
export function canonicalQuery(search: string): string {
  return (
    search
      .replace(/^\?/, "")
      .split("&")
      .filter(Boolean)
      // Canonical text has no NUL, which sorts before every character: sorted by key, then value.
      .map((field) => {
        const [key, value = ""] = field.split(/=(.*)/s).map((part) => reencode(part.replaceAll("+", "%20")));
        return key + "\0" + value;
      })
      .sort()
      .join("&")
      .replaceAll("\0", "=")
  );
}

/** HTTP whitespace only, as fetch's Headers trims: the signed value is then the value sent. */
export function trimHeaderValue(value: string): string {
  return value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
}

/**
 * `name:value\n` per signed header. A name listed but absent from `headers` is
 * signed with an empty value, which lets a verifier compute (and reject) a request
 * whose Authorization lists a header that was never sent.
 */
function canonicalHeaders(headers: ReadonlyMap<string, string>, signedHeaders: readonly string[]): string {
  let out = "";
  for (const name of signedHeaders) out += name + ":" + (headers.get(name) ?? "") + "\n";
  return out;
}

export interface CanonicalRequestParts {
  method: string;
  /** As in `URL.pathname`: percent-encoded, or not; both give the same result. */
  pathname: string;
  /** As in `URL.search`, with or without the leading "?". */
  search: string;
  /** Lowercase name -> value exactly as it will be signed (trimmed). */
  headers: ReadonlyMap<string, string>;
  /** Lowercase names, sorted. */
  signedHeaders: readonly string[];
  /** Lowercase hex SHA-256 of the body bytes. */
  payloadHash: string;
}

export function canonicalRequest(parts: CanonicalRequestParts): string {
  return (
    canonicalRequestHead(
      parts.method,
      canonicalUri(parts.pathname),
      canonicalQuery(parts.search),
      canonicalHeaders(parts.headers, parts.signedHeaders),
      parts.signedHeaders.join(";"),
    ) +
    parts.payloadHash
  );
}

/**
 * The canonical request without its last line, the payload hash: all a signer can build
 * before it has hashed the body. Path and query come in canonical form (`canonicalUri`,
 * `canonicalQuery`), `headerLines` holds `name:value\n` per signed header and
 * `signedHeaders` their names joined with ";", as `canonicalRequest` writes them.
 */
export function canonicalRequestHead(method: string, path: string, query: string, headerLines: string, signedHeaders: string): string {
  return method + "\n" + path + "\n" + query + "\n" + headerLines + "\n" + signedHeaders + "\n";
}

/** The text the HMAC signs, from the hex SHA-256 of the canonical request. */
export function stringToSign(sdkDate: string, canonicalRequestHash: string): string {
  return SIGNING_ALGORITHM + "\n" + sdkDate + "\n" + canonicalRequestHash;
}

// ---------------------------------------------------------------------------
// Authorization header

export interface ParsedAuthorization {
  algorithm: string;
  access: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION = /^([!-~]+) +(.*)$/s;
const AUTH_PARAM = /^([A-Za-z]+)=(.*)$/s;
/** What an AK may look like on the wire: visible ASCII except ",", which separates the Authorization parameters. */
export const ACCESS_KEY = /^[!-+\--~]+$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/; // RFC 9110 token, lowercase
const SIGNATURE = /^[0-9a-fA-F]{64}$/;

/**
 * Reads `<algorithm> Access=<ak>, SignedHeaders=<a;b>, Signature=<hex>`.
 * Parameters may come in any order and with any spaces after the commas, but each
 * exactly once; names in SignedHeaders must be lowercase, as every signer writes
 * them, since the verifier rebuilds the list from these very names. The algorithm is
 * returned, not checked: rejecting an unknown one is the verifier's decision.
 */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const m = AUTHORIZATION.exec(header.trim());
  if (m === null) return undefined;
  const params = new Map<string, string>();
  for (const item of (m[2] as string).split(",")) {
    const kv = AUTH_PARAM.exec(item.trim());
    if (kv === null || params.has(kv[1] as string)) return undefined;
    params.set(kv[1] as string, kv[2] as string);
  }
  const access = params.get("Access");
  const signedHeaderList = params.get("SignedHeaders");
  const signature = params.get("Signature");
  if (params.size !== 3 || access === undefined || signedHeaderList === undefined || signature === undefined) return undefined;
  const signedHeaders = signedHeaderList.split(";");
  if (!ACCESS_KEY.test(access) || !SIGNATURE.test(signature) || !signedHeaders.every((h) => HEADER_NAME.test(h))) {
    return undefined;
  }
  return { algorithm: m[1] as string, access, signedHeaders, signature: signature.toLowerCase() };
}
