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
 * Scheme; a host of lowercase letters, digits and "-" in dot-separated labels, none starting
 * with "xn--" (punycode, which IDNA would validate) and the last starting with a letter (a
 * number there makes WHATWG read the host as an IPv4 address and rewrite it: "127.1",
 * "0x7f.0.0.1"); a port in shortest form; a path of unreserved characters in which no segment
 * starts with "." (so no dot segment); and a query whose keys and values are all in canonical
 * form. WHATWG rewrites none of it but a default port.
 */
const PLAIN_URL = new RegExp(
  String.raw`^http(s?)://((?:(?!xn--)[a-z\d-]+\.)*(?!xn--)[a-z][a-z\d-]*)(?::([1-9]\d{0,4}))?((?:/(?!\.)[\w\-.~]*)*)(?:\?(${FIELD}(?:&${FIELD})*))?$`,
);

/** The parts of `url` with their canonical forms when it is plain (see PLAIN_URL); undefined for anything else. */
export function plainHttpUrlParts(url: string): Required<SignedUrlParts> | undefined {
  const m = PLAIN_URL.exec(url);
  if (m === null) return undefined;
  const name = m[2] as string;
  const port = m[3];
  if (port !== undefined && Number(port) > 65535) return undefined;
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
