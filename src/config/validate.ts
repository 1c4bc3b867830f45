/**
 * Checks shared by the three sources (options, environment, file). They return a
 * problem description instead of throwing, so that each source can word the error
 * with its own location. Problems never quote a value that might be a secret.
 */
import { PARAMETERS } from "../../generated/operations.js";

// Lowercase words joined by single dashes: the region ends up inside a host name,
// so anything that could add a label, a port or a path ("cn-north-4.evil.example/") is refused.
const REGION_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

// Taken from the operation table rather than restated, so that a project id accepted
// here is one the API (and the emulator) accept too. JSON Schema patterns are
// ECMAScript regular expressions with Unicode semantics, hence the "u" flag.
const PROJECT_ID_SCHEMA = PARAMETERS.ProjectId;
const PROJECT_ID_PATTERN = new RegExp(PROJECT_ID_SCHEMA.pattern, "u");

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "a number", "a list", ... for "must be a string, found ___". */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Uint8Array) return "binary data";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number" || typeof value === "bigint") return "a number";
  if (typeof value === "boolean") return "a boolean";
  return `a ${typeof value}`;
}

/** Short, quoted rendering of a non-secret value for an error message. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

const REGION_CHARACTER = /^[a-z0-9-]$/u;

// The spec's pattern is one character class with a length range; if it ever takes
// another shape, problems report the length alone.
const PROJECT_ID_SHAPE = /^\^(\[[^\]]+\])\{(\d+),(\d+)\}\$$/u.exec(PROJECT_ID_SCHEMA.pattern);
const PROJECT_ID_CHARACTER = PROJECT_ID_SHAPE === null ? undefined : new RegExp(`^${PROJECT_ID_SHAPE[1]}$`, "u");
const PROJECT_ID_MAX = PROJECT_ID_SHAPE === null ? undefined : Number(PROJECT_ID_SHAPE[3]);

/**
 * A refused value described without any of its text: a misplaced secret (a token
 * pasted as the region) must not reach a log. Only its length and the position
 * (1-based, in characters) of the first character that is not allowed are given.
 */
function describeRefused(value: string, allowed: RegExp | undefined, otherwise: string): string {
  const characters = Array.from(value);
  const size = `the value (${characters.length} character${characters.length === 1 ? "" : "s"}, not shown)`;
  const at = allowed === undefined ? -1 : characters.findIndex((c) => !allowed.test(c));
  return at === -1 ? `${size} ${otherwise}` : `${size} has a character that is not allowed at position ${at + 1}`;
}

// An AK, token or security token travels in a request header, which takes no line break, NUL or
// non-Latin-1 text, and `Headers` would quote the whole value in its refusal; an SK with such a
// character is as surely a paste accident. Credentials are printable ASCII, and a space at either
// end (which a header would silently trim) is a paste accident too.
const CREDENTIAL_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/u;
const CREDENTIAL_CHARACTER = /^[\x20-\x7e]$/u;

/** Why a credential part (AK, SK, token, security token) cannot be used, in words that quote none of it. */
export function credentialProblem(value: string): string | undefined {
  if (CREDENTIAL_PATTERN.test(value)) return undefined;
  return `must be printable ASCII (no line break or control character, no space at either end); ${describeRefused(value, CREDENTIAL_CHARACTER, "starts or ends with a space")}`;
}

export function regionProblem(region: string): string | undefined {
  if (REGION_PATTERN.test(region)) return undefined;
  const refused = describeRefused(region, REGION_CHARACTER, "starts or ends with a dash, or has two dashes in a row");
  return `must be a region id such as "cn-north-4" (lowercase letters, digits and dashes); ${refused}`;
}

export function projectIdProblem(projectId: string): string | undefined {
  if (PROJECT_ID_PATTERN.test(projectId)) return undefined;
  const tooLong = PROJECT_ID_MAX !== undefined && Array.from(projectId).length > PROJECT_ID_MAX;
  const refused = describeRefused(projectId, PROJECT_ID_CHARACTER, tooLong ? `is longer than ${PROJECT_ID_MAX} characters` : "does not match");
  return `must match ${PROJECT_ID_SCHEMA.pattern} (a project id such as ${quote(PROJECT_ID_SCHEMA.example)}); ${refused}`;
}

// Names are typed on command lines and printed in messages, so they keep to
// characters no shell or YAML treats specially; ":" "@" "/" allow names such as
// "prod@cn-north-4" or "team/dev". Only names created through setContext are held
// to this: a name already in a file is looked up as it is.
const CONTEXT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,99}$/u;
const CONTEXT_NAME_CHARACTER = /^[A-Za-z0-9._@:/-]$/u;

export function contextNameProblem(name: string): string | undefined {
  if (CONTEXT_NAME_PATTERN.test(name)) return undefined;
  const tooLong = Array.from(name).length > 100;
  const otherwise = tooLong ? "is longer than 100 characters" : "does not start with a letter or digit";
  const refused = describeRefused(name, CONTEXT_NAME_CHARACTER, otherwise);
  return `must be letters, digits and . _ - @ : / (starting with a letter or digit, at most 100 characters); ${refused}`;
}

export function endpointForRegion(region: string): string {
  return `https://modelarts.${region}.myhuaweicloud.com`;
}

export type EndpointCheck = { endpoint: string } | { problem: string };

const ENDPOINT_EXAMPLE = '"https://modelarts.cn-north-4.myhuaweicloud.com"';
const KNOWN_SCHEMES = ["ftp:", "ftps:", "ws:", "wss:", "file:", "obs:", "s3:", "ssh:", "git:", "grpc:", "grpcs:"];

/**
 * Accepts an http(s) base URL, possibly with a path prefix; returns it without trailing slashes.
 *
 * An endpoint may carry a secret (a signed query, user info), so a problem never quotes
 * the value: of a URL that parses it shows at most origin and path, which are what the
 * endpoint would be anyway (or a scheme from a fixed list); of one that does not parse it shows nothing, not even a
 * prefix, since user info comes before the host that failed to parse.
 */
export function checkEndpoint(value: string): EndpointCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `must be an http(s) URL such as ${ENDPOINT_EXAMPLE}, but the value is not a URL: ${unparseableReason(value)}` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    // Whatever precedes the first ":" is the scheme, and that may be pasted text
    // ("SECRET:x@host"), so only schemes from this list are named.
    const found = KNOWN_SCHEMES.includes(url.protocol) ? `scheme ${quote(url.protocol)}` : "another scheme (not shown; start the URL with https://)";
    return { problem: `must be an http(s) URL, found ${found}` };
  }
  if (url.username !== "" || url.password !== "") {
    return { problem: "must not contain a user name or password; credentials belong under credentials" };
  }
  const base = `${url.origin}${url.pathname}`;
  if (url.search !== "" || url.hash !== "") {
    const what = url.search !== "" && url.hash !== "" ? "a query and a fragment" : url.search !== "" ? "a query" : "a fragment";
    return { problem: `must not have a query or fragment; found ${what} (not shown, as it may hold a secret) after ${quote(base)}` };
  }
  return { endpoint: base.replace(/\/+$/, "") };
}

/** Why `new URL` refused a value, in words that quote none of it. */
function unparseableReason(value: string): string {
  if (/\s/u.test(value)) return "it contains whitespace";
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/u.test(value)) return "it has no scheme (start it with https://)";
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//u.test(value)) return 'the scheme is not followed by "//"';
  return "its host or port is missing or malformed";
}
