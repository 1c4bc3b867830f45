/**
 * The host, path and query of an http(s) URL string, without the WHATWG URL parser when the
 * string is one that parser would give back unchanged in everything a signature reads. Used
 * by the synchronous Node signer only: parsing with `new URL` costs about as much as one of
 * its SHA-256 digests, and the URLs a client sends (`Request.url`, openapi-fetch's) are
 * already in that form. Anything else is left to `new URL`, so no URL is read two ways.
 */

export interface UrlParts {
  /** As `URL.host`: lowercase, without the scheme's default port. */
  host: string;
  /** As `URL.pathname`, up to percent-encoding, which the canonical path undoes. */
  pathname: string;
  /** As `URL.search`, up to percent-encoding, which the canonical query undoes. */
  search: string;
}

/** Scheme, a host of lowercase letters, digits, "-" and ".", and a port in shortest form, up to the path or query. */
const PLAIN_AUTHORITY = /^http(s?):\/\/([a-z\d.-]+)(?::([1-9]\d{0,4}))?(?=[/?]|$)/;
/**
 * In the rest, anything WHATWG would rewrite or strip: controls, spaces and non-ASCII, "\"
 * (a slash in http URLs), "#" (the fragment), and a segment starting with "." or "%2e" (it
 * may be a dot segment). Global only so that it can start at the path (`lastIndex`).
 */
const REWRITTEN_AFTER_AUTHORITY = /[^!"$-[\]-~]|\/(?:\.|%2[eE])/g;
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

/**
 * The parts of `url` when it is plain `http://` or `https://` with a plain host, an optional
 * port in shortest form, and a path and query of visible ASCII without "\", "#" or dot
 * segments; undefined for anything else (the caller then parses with `new URL`).
 */
export function plainHttpUrlParts(url: string): UrlParts | undefined {
  const authority = PLAIN_AUTHORITY.exec(url);
  if (authority === null) return undefined;
  const pathStart = authority[0].length;
  const name = authority[2] as string;
  const port = authority[3];
  if (!isPlainHost(name) || (port !== undefined && Number(port) > 65535)) return undefined;
  REWRITTEN_AFTER_AUTHORITY.lastIndex = pathStart;
  if (REWRITTEN_AFTER_AUTHORITY.test(url)) return undefined;
  let queryStart = url.indexOf("?", pathStart);
  if (queryStart === -1) queryStart = url.length;
  return {
    host: port === undefined || port === (authority[1] === "s" ? "443" : "80") ? name : name + ":" + port,
    pathname: queryStart === pathStart ? "/" : url.slice(pathStart, queryStart),
    // As URL.search: a lone "?" gives "".
    search: queryStart >= url.length - 1 ? "" : url.slice(queryStart),
  };
}
