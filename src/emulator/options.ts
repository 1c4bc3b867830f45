/**
 * The options of startEmulator, checked and normalised up front: code outside this
 * repository calls it, so a mistake is a TypeError naming the option, at start, not a
 * puzzling answer at the first request. Messages quote job fields but never a secret.
 */
import { PARAMETERS } from "../../generated/operations.js";
import { ACCESS_KEY } from "../auth/canonical.js";
import { Secret } from "../auth/secret.js";
import { isRecord } from "../config/validate.js";
import type { AccessKeyCredential, TokenCredential } from "./auth.js";
import { parseObsPath } from "./obs.js";
import { isJobType, JOB_TYPE_NAMES, type JobDefinition, type JobType } from "./state.js";

/** A manual-annotation job the emulator serves, in the API's own field names. */
export interface EmulatorJob {
  /** Decimal job ID, as in the URL (`data_annotation_id`). */
  id: string;
  name: string;
  /** OBS folder of the job's images: obs://bucket/prefix/ (the prefix may be empty). */
  data_path: string;
  /** When set, other projects get ModelArts.4338 as for an unknown job; when not, every project sees the job. */
  project_id?: string;
  description?: string;
  /** 0 image classification (default), 1 object detection. */
  type?: JobType;
  /** Milliseconds since the epoch; defaults to when the emulator started. */
  create_time?: number;
}

/**
 * An annotation job, the resource of LabelApi's `query_validation`: a review of the labelled
 * images of one data-annotation job. The legacy reference's `job_id` is a UUID while data
 * annotation IDs are decimal, so the two are separate resources; which data-annotation job an
 * annotation job reviews is this emulator's reading, since the reference does not say.
 */
export interface EmulatorAnnotationJob {
  /** A UUID in lower case, as the reference's example 062ef90a-da4d-4af4-82ba-1523da57e78e. */
  id: string;
  /** The `id` of the job in `jobs` whose labelled images it validates; it is visible to that job's project only. */
  data_annotation_id: string;
}

/** What the gateway accepts: an AK/SK pair (optionally temporary), or an IAM token. */
export type EmulatorCredential =
  | { ak: string; sk: string | Secret; security_token?: string | Secret; project_id?: string }
  | { token: string | Secret; project_id?: string; expires_at?: string | number | Date };

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Folder whose subfolders are the OBS buckets; it may be created after the emulator starts. */
  obsRoot: string;
  credentials: readonly EmulatorCredential[];
  jobs?: readonly EmulatorJob[];
  /** Annotation jobs for query_validation; each names one of `jobs`. Default: none, so every job_id is ModelArts.4801. */
  annotationJobs?: readonly EmulatorAnnotationJob[];
  /** How far X-Sdk-Date may be from the emulator's clock; default 15 minutes, as the gateway. */
  clockSkewMs?: number;
  /**
   * Shortest time a sync stays in state 3 (syncing); default 200 ms. A local scan takes
   * a millisecond, while the service takes seconds: the delay lets callers see state 3
   * and exercise their polling. 0 applies each scan as soon as it is read.
   */
  syncDelayMs?: number;
  /**
   * Models the service's lag: for this long after `sync_obs` answers, `sync_obs_status` keeps
   * answering the status from before it (a previous sync's 1 or 2, say); default 0, no lag.
   */
  statusLagMs?: number;
  /** Largest request body accepted; default 12 MB, the AK/SK gateway's limit. Larger gets 413 ModelArts.4104. */
  maxBodyBytes?: number;
  /** The gateway's clock, for testing X-Sdk-Date skew and token expiry; default Date.now. */
  now?: () => number | Date;
  /** Receives one line per request (method, path, status, request ID, error code) and per sync; default: silent. */
  logger?: (line: string) => void;
  /**
   * Lets a web page of this origin (e.g. "http://127.0.0.1:8080") call the emulator from a
   * browser: preflights for the spec's paths are answered and every answer to a request from
   * that origin names it in Access-Control-Allow-Origin. Requests from other origins get no
   * CORS headers, so the browser keeps refusing them. Default: no CORS at all, as the service.
   */
  cors?: { origin: string };
}

/** The CORS option, checked: the one origin whose pages may call the emulator. */
export interface CorsPolicy {
  origin: string;
}

interface ResolvedOptions {
  port: number;
  host: string;
  obsRoot: string;
  accessKeys: AccessKeyCredential[];
  tokens: TokenCredential[];
  jobs: JobDefinition[];
  /** Annotation job ID to the ID of the data-annotation job it validates. */
  annotationJobs: Map<string, string>;
  clockSkewMs: number;
  syncDelayMs: number;
  statusLagMs: number;
  maxBodyBytes: number;
  now: () => number;
  logger: ((line: string) => void) | undefined;
  cors: CorsPolicy | undefined;
}

const DEFAULTS = {
  host: "127.0.0.1",
  clockSkewMs: 15 * 60 * 1000,
  syncDelayMs: 200,
  maxBodyBytes: 12 * 1024 * 1024,
} as const;

/** The pattern the spec gives a path parameter (from the operation table): the values checked here end up in those paths. */
function specPattern(parameter: keyof typeof PARAMETERS): RegExp {
  const pattern = (PARAMETERS[parameter] as { pattern?: string }).pattern;
  if (pattern === undefined) throw new Error(`the spec declares no pattern for the ${parameter} parameter`);
  return new RegExp(pattern, "u");
}

const PROJECT_ID = specPattern("ProjectId");
const DATA_ANNOTATION_ID = specPattern("DataAnnotationId");
const ANNOTATION_JOB_ID = specPattern("JobId");
// Lower case only: the emulator compares IDs as text, and an upper-case seed would answer 4801 to the reference's spelling.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;

/** An AK the gateway can read back from a signed request's Authorization header, by the parser it uses. */
const isAccessKey = (ak: string): boolean => ACCESS_KEY.test(ak);

const fail = (option: string, problem: string): never => {
  throw new TypeError(`startEmulator: ${option} ${problem}`);
};

function nonNegative(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) fail(option, "must be a finite number >= 0");
  return value as number;
}

function optionalString(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") fail(option, "must be a string");
  return value as string;
}

function secretOption(value: unknown, option: string): Secret {
  if (!(value instanceof Secret) && typeof value !== "string") fail(option, "must be a string or a Secret");
  const secret = Secret.from(value as string | Secret);
  if (secret.length === 0) fail(option, "must not be empty");
  return secret;
}

function projectIdOption(value: unknown, option: string): string | undefined {
  const projectId = optionalString(value, option);
  if (projectId !== undefined && !PROJECT_ID.test(projectId)) fail(option, `must match ${PROJECT_ID.source}, got ${projectId.length} characters that do not`); // not quoted: a misplaced token would be
  return projectId;
}

function resolveJob(raw: unknown, index: number, startedAt: number): JobDefinition {
  const at = `jobs[${index}]`;
  if (!isRecord(raw)) return fail(at, "must be an object with id, name and data_path");
  const id = raw["id"];
  // The list answer also carries the ID as a JSON number (project_id), so it must survive that round trip.
  if (typeof id !== "string" || !DATA_ANNOTATION_ID.test(id) || !Number.isSafeInteger(Number(id)) || String(Number(id)) !== id) {
    fail(`${at}.id`, `must be a decimal string without leading zeros, at most ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(id)}`);
  }
  const name = raw["name"];
  if (typeof name !== "string" || name === "") fail(`${at}.name`, "must be a non-empty string");
  const dataPath = raw["data_path"];
  if (typeof dataPath !== "string") return fail(`${at}.data_path`, "must be a string like obs://bucket/prefix/");
  const location = parseObsPath(dataPath);
  if ("problem" in location) return fail(`${at}.data_path`, `${location.problem}, got ${JSON.stringify(dataPath)}`);
  const type = raw["type"] ?? 0;
  if (!isJobType(type)) {
    fail(`${at}.type`, `must be ${Object.entries(JOB_TYPE_NAMES).map(([value, name]) => `${value} (${name})`).join(" or ")}`);
  }
  const createTime = raw["create_time"] ?? startedAt;
  if (typeof createTime !== "number" || !Number.isSafeInteger(createTime) || createTime < 0) {
    fail(`${at}.create_time`, "must be milliseconds since the epoch");
  }
  return {
    id: id as string,
    name: name as string,
    description: optionalString(raw["description"], `${at}.description`) ?? "",
    type: type as JobType,
    projectId: projectIdOption(raw["project_id"], `${at}.project_id`),
    dataPath,
    location,
    createTime: createTime as number,
  };
}

function resolveAnnotationJobs(raw: unknown, jobIds: ReadonlySet<string>): Map<string, string> {
  if (raw === undefined) return new Map();
  if (!Array.isArray(raw)) return fail("annotationJobs", "must be a list of { id, data_annotation_id }");
  const annotationJobs = new Map<string, string>();
  raw.forEach((entry: unknown, index) => {
    const at = `annotationJobs[${index}]`;
    if (!isRecord(entry)) return fail(at, "must be an object with id and data_annotation_id");
    const id = entry["id"];
    if (typeof id !== "string" || !UUID.test(id) || !ANNOTATION_JOB_ID.test(id)) {
      fail(`${at}.id`, `must be a lower-case UUID like 062ef90a-da4d-4af4-82ba-1523da57e78e, got ${JSON.stringify(id)}`);
    }
    if (annotationJobs.has(id as string)) fail(`${at}.id`, `${id as string} is used by an earlier annotation job`);
    const target = entry["data_annotation_id"];
    if (typeof target !== "string" || !jobIds.has(target)) {
      fail(`${at}.data_annotation_id`, `must be the id of one of jobs, got ${JSON.stringify(target)}`);
    }
    annotationJobs.set(id as string, target as string);
  });
  return annotationJobs;
}

function expiryOption(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  const time = value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : typeof value === "number" ? value : NaN;
  if (!Number.isFinite(time)) fail(option, "must be a Date, an RFC 3339 string or milliseconds since the epoch");
  return time;
}

/**
 * A browser sends Origin as scheme://host[:port], lower case, without a default port or a
 * trailing slash, and the emulator compares it as text: anything else would never match,
 * so it is refused here rather than silently allowing nothing. "*" is refused too, since
 * every request the client makes carries credentials in its headers.
 */
function corsOption(value: unknown): CorsPolicy | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) return fail("cors", 'must be an object like { origin: "http://127.0.0.1:8080" }');
  const origin = value["origin"];
  if (typeof origin !== "string") return fail("cors.origin", 'must be a string like "http://127.0.0.1:8080"');
  let serialized: string | undefined;
  try {
    const url = new URL(origin);
    if (url.protocol === "http:" || url.protocol === "https:") serialized = url.origin;
  } catch {
    // reported below
  }
  if (serialized !== origin) {
    fail("cors.origin", `must be an http(s) origin as a browser sends it (scheme://host[:port], no path or trailing slash), got ${JSON.stringify(origin)}${serialized === undefined ? "" : `; did you mean ${JSON.stringify(serialized)}?`}`);
  }
  return { origin };
}

function resolveCredentials(raw: unknown): { accessKeys: AccessKeyCredential[]; tokens: TokenCredential[] } {
  if (!Array.isArray(raw) || raw.length === 0) {
    return fail("credentials", "must list at least one credential: { ak, sk } or { token }");
  }
  const accessKeys: AccessKeyCredential[] = [];
  const tokens: TokenCredential[] = [];
  const seenTokens = new Set<string>();
  raw.forEach((entry: unknown, index) => {
    const at = `credentials[${index}]`;
    if (!isRecord(entry)) return fail(at, "must be { ak, sk } or { token }");
    const projectId = projectIdOption(entry["project_id"], `${at}.project_id`);
    const hasToken = entry["token"] !== undefined;
    const hasKey = entry["ak"] !== undefined || entry["sk"] !== undefined;
    if (hasToken === hasKey) return fail(at, "must have either ak and sk, or token");
    if (hasToken) {
      const token = secretOption(entry["token"], `${at}.token`);
      if (seenTokens.has(token.reveal())) fail(`${at}.token`, "is listed twice");
      seenTokens.add(token.reveal());
      tokens.push({ token, projectId, expiresAt: expiryOption(entry["expires_at"], `${at}.expires_at`) });
      return;
    }
    const ak = entry["ak"];
    if (typeof ak !== "string" || !isAccessKey(ak)) return fail(`${at}.ak`, "must be a non-empty string of visible ASCII characters other than ','");
    if (accessKeys.some((c) => c.ak === ak)) fail(`${at}.ak`, `${JSON.stringify(ak)} is listed twice`);
    const sk = secretOption(entry["sk"], `${at}.sk`);
    const securityToken = entry["security_token"] === undefined ? undefined : secretOption(entry["security_token"], `${at}.security_token`);
    accessKeys.push({ ak, sk, securityToken, projectId });
  });
  return { accessKeys, tokens };
}

/** Everything but obsRoot on the file system, which startEmulator checks. */
export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  if (!isRecord(options)) return fail("options", "must be an object");
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail("port", "must be an integer from 0 to 65535");
  const host = options.host ?? DEFAULTS.host;
  if (typeof host !== "string" || host === "") fail("host", "must be a non-empty string");
  if (typeof options.obsRoot !== "string" || options.obsRoot === "") fail("obsRoot", "must be the path of a folder");

  const nowOption = options.now;
  if (nowOption !== undefined && typeof nowOption !== "function") fail("now", "must be a function returning a Date or milliseconds");
  const now = nowOption === undefined ? Date.now : () => {
    const value = nowOption();
    return value instanceof Date ? value.getTime() : value;
  };
  if (options.logger !== undefined && typeof options.logger !== "function") fail("logger", "must be a function");

  const maxBodyBytes = nonNegative(options.maxBodyBytes, "maxBodyBytes", DEFAULTS.maxBodyBytes);
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) fail("maxBodyBytes", "must be a positive integer");

  const rawJobs: unknown = options.jobs ?? [];
  if (!Array.isArray(rawJobs)) fail("jobs", "must be a list of jobs");
  const startedAt = now();
  const jobs = (rawJobs as unknown[]).map((job, index) => resolveJob(job, index, startedAt));
  const ids = new Set<string>();
  jobs.forEach((job, index) => {
    if (ids.has(job.id)) fail(`jobs[${index}].id`, `${job.id} is used by an earlier job; job IDs must be unique`);
    ids.add(job.id);
  });
  const annotationJobs = resolveAnnotationJobs(options.annotationJobs, ids);

  return {
    port,
    host,
    obsRoot: options.obsRoot,
    ...resolveCredentials(options.credentials),
    jobs,
    annotationJobs,
    clockSkewMs: nonNegative(options.clockSkewMs, "clockSkewMs", DEFAULTS.clockSkewMs),
    syncDelayMs: nonNegative(options.syncDelayMs, "syncDelayMs", DEFAULTS.syncDelayMs),
    statusLagMs: nonNegative(options.statusLagMs, "statusLagMs", 0),
    maxBodyBytes,
    now,
    logger: options.logger,
    cors: corsOption(options.cors),
  };
}
