/**
 * Checks shared by the three sources (options, environment, file). They return a
 * problem description instead of throwing, so that each source can word the error
 * with its own location. Problems never quote a value that might be a secret.
 */

// Lowercase words joined by single dashes: the region ends up inside a host name,
// so anything that could add a label, a port or a path ("cn-north-4.evil.example/") is refused.
const REGION_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

// Project ids are 32 hex digits on the real service and short slugs on the emulator;
// they are put in URL paths, so separators and dots are refused.
const PROJECT_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

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

export function regionProblem(region: string): string | undefined {
  if (REGION_PATTERN.test(region)) return undefined;
  return `must be a region id such as "cn-north-4" (lowercase letters, digits and dashes), found ${quote(region)}`;
}

export function projectIdProblem(projectId: string): string | undefined {
  if (PROJECT_ID_PATTERN.test(projectId)) return undefined;
  return `must hold only letters, digits, "-" and "_", found ${quote(projectId)}`;
}

export function endpointForRegion(region: string): string {
  return `https://modelarts.${region}.myhuaweicloud.com`;
}

export type EndpointCheck = { endpoint: string } | { problem: string };

/** Accepts an http(s) base URL, possibly with a path prefix; returns it without trailing slashes. */
export function checkEndpoint(value: string): EndpointCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `must be an http(s) URL such as "https://modelarts.cn-north-4.myhuaweicloud.com", found ${quote(value)}` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { problem: `must be an http(s) URL, found scheme ${quote(url.protocol)}` };
  }
  // User info in a URL is a credential; it is refused without quoting the value.
  if (url.username !== "" || url.password !== "") {
    return { problem: "must not contain a user name or password; credentials belong under credentials" };
  }
  if (url.search !== "" || url.hash !== "") {
    return { problem: `must not have a query or fragment, found ${quote(value)}` };
  }
  return { endpoint: `${url.origin}${url.pathname.replace(/\/+$/, "")}` };
}
