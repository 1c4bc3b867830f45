/**
 * A local ModelArts manual-annotation service: a real HTTP server on loopback that
 * authenticates like the API gateway, validates requests against the spec, and keeps
 * jobs, images and tags in memory, with OBS played by a folder. The 429, 500 and 503
 * answers the spec declares, which it never gives by itself, can be injected with
 * `injectFault` for testing a client's retries. Published as
 * `modelarts-data-annotations/emulator`; the client entry point never imports it.
 */
import { createServer, type Server } from "node:http";
import { realpath, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { Gateway } from "./auth.js";
import { FaultQueue, type FaultSpec } from "./faults.js";
import { createHandlers, type OperationId } from "./handlers.js";
import { resolveOptions, type EmulatorOptions } from "./options.js";
import { createRequestListener } from "./server.js";
import { AnnotationState, type JobSnapshot } from "./state.js";
import { SyncRunner } from "./sync.js";

export type { EmulatorAnnotationJob, EmulatorCredential, EmulatorJob, EmulatorOptions } from "./options.js";
export type { JobSnapshot, SyncStatus, JobType } from "./state.js";
/** Names of the job types (0 image classification, 1 object detection), for messages. */
export { JOB_TYPE_NAMES } from "./state.js";
export type { FaultSpec, FaultStatus } from "./faults.js";
export type { OperationId } from "./handlers.js";

export interface EmulatorHandle {
  /** Base URL, e.g. "http://127.0.0.1:41234", without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** The job as the emulator holds it now (sync status, every image), or undefined for an unknown ID. */
  job(id: string): JobSnapshot | undefined;
  /**
   * Makes the next `times` (default 1) requests for `operationId` (for any operation when
   * omitted) answer `status` with the spec's error body for it: 429 ModelArts.4206, 500
   * ModelArts.6102 or 503 ModelArts.4302. Only requests that pass authentication and
   * validation take a fault, and a faulted request changes nothing. Faults fire in the
   * order injected; each request takes the earliest that matches it. Throws a TypeError
   * for an unknown operationId, another status, or a `times` that is not a whole number >= 1.
   */
  injectFault(fault: { operationId?: OperationId; status: 429 | 500 | 503; times?: number }): void;
  /** Resolves once no OBS sync is running. */
  idle(): Promise<void>;
  /** Stops accepting requests, ends the open connections and waits for running syncs. Idempotent. */
  close(): Promise<void>;
}

// Connections still busy this long after close() are cut, so close() cannot hang on a slow client.
const CLOSE_GRACE_MS = 2_000;

/**
 * A folder that does not exist yet is accepted, as an OBS account without its buckets
 * would be: callers often start the emulator first and then write the objects, and
 * until then syncs fail with status 2. Anything else that is not a folder is a mistake.
 */
async function checkObsRoot(path: string): Promise<string> {
  try {
    if (!(await stat(path)).isDirectory()) throw new TypeError(`startEmulator: obsRoot ${JSON.stringify(path)} is not a folder`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return resolve(path);
    throw error;
  }
  // Resolved once, so that the escape check in obs.ts compares real paths.
  return realpath(path);
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startEmulator(options: EmulatorOptions): Promise<EmulatorHandle> {
  const resolved = resolveOptions(options);
  const obsRoot = await checkObsRoot(resolved.obsRoot);
  const log = resolved.logger ?? (() => {});

  const state = new AnnotationState(resolved.jobs, resolved.annotationJobs);
  const sync = new SyncRunner({ state, obsRoot, minDurationMs: resolved.syncDelayMs, log });
  const gateway = new Gateway({
    accessKeys: resolved.accessKeys,
    tokens: resolved.tokens,
    clockSkewMs: resolved.clockSkewMs,
    now: resolved.now,
  });
  const handlers = createHandlers({ state, sync });
  const faults = new FaultQueue(Object.keys(handlers) as OperationId[]);
  const server = createServer(createRequestListener({ gateway, handlers, maxBodyBytes: resolved.maxBodyBytes, faults, log, cors: resolved.cors, statusLagMs: resolved.statusLagMs }));
  const address = await listen(server, resolved.port, resolved.host);
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    cut.unref();
    await stopped;
    clearTimeout(cut);
    await sync.close();
  };

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    job: (id) => state.snapshot(id),
    injectFault: (fault: FaultSpec) => faults.add(fault),
    idle: () => sync.idle(),
    close: () => (closing ??= close()),
  };
}
