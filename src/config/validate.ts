/**
 * Checks shared by the three sources (options, environment, file). They return a
 * problem description instead of throwing, so that each source can word the error
 * with its own location. Problems never quote a value that might be a secret.
 */
import { PARAMETERS } from "../../generated/operations.js";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "a number", "a list", ... for "must be a string, found ___". */
export function describeType(value: unknown): string {
  return value == null
    ? "nothing"
    : Array.isArray(value)
      ? "a list"
      : typeof value === "object"
        ? "a mapping"
        : `a ${typeof value}`;
}

/** A non-secret value, quoted for an error message. */
export const quote = (value: string): string => JSON.stringify(value);

/**
 * Why `value` fails `pattern`, described without any of its text: a misplaced secret (a
 * token pasted as the region) must not reach a log. Only its length and the position
 * (1-based, in characters) of the first character that `character` refuses are given;
 * with every character allowed, it is too long (over `max`) or else `otherwise`.
 */
export function refusal(value: string, pattern: RegExp, must: string, character: RegExp, otherwise: string, max = Infinity): string | undefined {
  if (pattern.test(value)) return undefined;
  const characters = Array.from(value);
  const at = characters.findIndex((c) => !character.test(c));
  const why = at >= 0 ? `has a character that is not allowed at position ${at + 1}` : characters.length > max ? `is longer than ${max} characters` : otherwise;
  return `${must}; the value (${characters.length} character${characters.length === 1 ? "" : "s"}, not shown) ${why}`;
}

// An AK, token or security token travels in a request header, which takes no line break, NUL or
// non-Latin-1 text, and `Headers` would quote the whole value in its refusal; an SK with such a
// character is as surely a paste accident. Credentials are printable ASCII, and a space at either
// end (which a header would silently trim) is a paste accident too.
/** Why a credential part (AK, SK, token, security token) cannot be used, in words that quote none of it. */
export const credentialProblem = (value: string): string | undefined =>
  refusal(value, /^[!-~]([ -~]*[!-~])?$/, "must be printable ASCII with no space at either end", /[ -~]/, "starts or ends with a space");

// Lowercase words joined by single dashes: the region ends up inside a host name,
// so anything that could add a label, a port or a path ("cn-north-4.evil.example/") is refused.
export const regionProblem = (region: string): string | undefined =>
  refusal(region, /^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a region id such as "cn-north-4"', /[a-z0-9-]/, "starts or ends with a dash, or has two dashes in a row");

// Taken from the operation table rather than restated, so that a project id accepted
// here is one the API (and the emulator) accept too. JSON Schema patterns are
// ECMAScript regular expressions with Unicode semantics, hence the "u" flag. The
// pattern is one character class with a length range, so a single character passes it
// exactly when it may appear in a project id.
const PROJECT_ID = PARAMETERS.ProjectId;

export function projectIdProblem(projectId: string): string | undefined {
  const pattern = new RegExp(PROJECT_ID.pattern, "u");
  return refusal(projectId, pattern, `must match ${PROJECT_ID.pattern} (a project id such as ${quote(PROJECT_ID.example)})`, pattern, "does not match", PROJECT_ID.maxLength);
}

export function endpointForRegion(region: string): string {
  return `https://modelarts.${region}.myhuaweicloud.com`;
}

/**
 * Why `value` is no http(s) base URL (one with a path prefix is), or undefined when it is one.
 *
 * An endpoint may carry a secret (a signed query, user info), so a problem never quotes
 * the value: of a URL that parses it shows at most origin and path, which are what the
 * endpoint would be anyway; of one that does not parse it shows nothing, not even a
 * prefix, since user info comes before the host that failed to parse. Nor does it name
 * a scheme other than http(s): whatever precedes the first ":" may be pasted text ("SECRET:x@host").
 * The example shows what a sound value looks like; telling apart why one is not costs the
 * browser bundle more than it tells a reader who has the value in front of them.
 */
export function endpointProblem(value: string): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // Not a URL: refused below, as any other scheme is.
  }
  if (url === undefined || !/^https?:$/.test(url.protocol)) {
    return `must be an http(s) URL such as "${endpointForRegion("cn-north-4")}"; the value (not shown, as it may hold a secret) is not one`;
  }
  if (url.username + url.password + url.search + url.hash !== "") {
    return `must be ${quote(url.origin + url.pathname)} without user info, query or fragment (not shown, as they may hold a secret)`;
  }
  return undefined;
}

/** An endpoint `endpointProblem` accepts, in its normal form: origin and path without trailing slashes. */
export function normalEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  return (url.origin + url.pathname).replace(/\/+$/, "");
}
