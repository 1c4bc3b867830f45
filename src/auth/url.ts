/**
 * The host, canonical path and canonical query of an http(s) URL string, without the WHATWG
 * URL parser when the string is one that parser would give back unchanged. Used by the
 * synchronous Node signer only: `new URL` and the canonical forms' own checks cost more than
 * one of its SHA-256 digests, while one pattern can tell that the URLs a client sends
 * (`Request.url`, openapi-fetch's, with IDs in the path and escaped UTF-8 in the query) need
 * no rewriting at all. Anything else is left to `new URL` and the canonical functions.
 */
import { CANONICAL_TEXT, canonicalQuery } from "./canonical.js";
import type { SignedUrlParts } from "./signer.js";

const FIELD = `${CANONICAL_TEXT}(?:=${CANONICAL_TEXT})?`;
/**
 * Scheme; a host of lowercase letters, digits, "-" and "."; a port in shortest form; a path of
 * unreserved characters in which no segment starts with "." (so no dot segment); and a query
 * whose keys and values are all in canonical form. WHATWG rewrites none of it but the port.
 */
const PLAIN_URL = new RegExp(
  String.raw`^http(s?)://([a-z\d.-]+)(?::([1-9]\d{0,4}))?((?:/(?!\.)[\w\-.~]*)*)(?:\?(${FIELD}(?:&${FIELD})*))?$`,
);
const IPV4_SHORTEST = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Whether WHATWG keeps the host `name` (already lowercase letters, digits, "-" and ".") as
 * written: no punycode label (which IDNA would validate), no trailing dot, and, when its last
 * label starts with a digit, a dotted-decimal IPv4 address in shortest form ("127.1",
 * "0x7f.0.0.1" and "010.0.0.1" are all rewritten).
 */
function isPlainHost(name: string): boolean {
  if (name.includes("xn--")) return false;
  const last = name.charCodeAt(name.lastIndexOf(".") + 1); // NaN after a trailing dot
  if (!(last >= 0x30)) return false;
  return last > 0x39 || IPV4_SHORTEST.test(name);
}

/** The parts of `url` with their canonical forms when it is plain (see PLAIN_URL); undefined for anything else. */
export function plainHttpUrlParts(url: string): Required<SignedUrlParts> | undefined {
  const m = PLAIN_URL.exec(url);
  if (m === null) return undefined;
  const name = m[2] as string;
  const port = m[3];
  if (!isPlainHost(name) || (port !== undefined && Number(port) > 65535)) return undefined;
  const path = m[4] as string;
  const query = m[5] ?? "";
  return {
    host: port === undefined || port === (m[1] === "s" ? "443" : "80") ? name : name + ":" + port,
    pathname: path === "" ? "/" : path,
    // As URL.search: a lone "?" gives "".
    search: query === "" ? "" : "?" + query,
    canonicalPath: path.endsWith("/") ? path : path + "/",
    canonicalQuery: canonicalQuery(query, true),
  };
}
