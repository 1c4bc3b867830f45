/**
 * What the service commands share: a client from the flags, and one mapping from outcomes to
 * output and exit codes. Built on the package's public entry point only, as any user's code is.
 */
import {
  createClient,
  DataAnnotationsApi,
  LabelApi,
  ModelArtsAbortError,
  ModelArtsArgumentError,
  ModelArtsConfigError,
  ModelArtsError,
  ModelArtsNetworkError,
  ModelArtsServiceError,
  ModelArtsValidationError,
  ModelArtsWaiterTimeoutError,
  type FailureResult,
} from "../../index.node.js";
import { EXIT } from "../exit-codes.js";
import { Output, type CliIo } from "../output.js";
import type { ClientFlags } from "../program.js";
import { Interrupted, UsageError } from "../usage.js";

export function outputFor(io: CliIo, flags: { json?: boolean; color?: boolean }): Output {
  return new Output(io, { json: flags.json === true, ...(flags.color === false ? { color: false } : {}) });
}

export function connect(flags: ClientFlags): { das: DataAnnotationsApi; label: LabelApi } {
  const client = createClient({
    ...(flags.context !== undefined ? { context: flags.context } : {}),
    ...(flags.config !== undefined ? { configFile: flags.config } : {}),
    ...(flags.projectId !== undefined ? { projectId: flags.projectId } : {}),
    ...(flags.endpoint !== undefined ? { endpoint: flags.endpoint } : {}),
    ...(flags.region !== undefined ? { region: flags.region } : {}),
  });
  return { das: new DataAnnotationsApi(client), label: new LabelApi(client) };
}

/** The service said no: the result itself (and `extra` fields) with --json, one line on stderr either way. */
export function serviceFailure(out: Output, result: FailureResult, extra: Record<string, unknown> = {}): number {
  if (out.json) out.result({ ...result, ...extra }, () => "");
  out.error(failureLine(result));
  return EXIT.SERVICE;
}

/** The stderr line of a service failure: code, message, status and request. */
export function failureLine(result: FailureResult): string {
  const request = result.request_id === null ? "" : `, request ${result.request_id}`;
  return `${result.error_code}: ${result.error_msg} (HTTP ${result.http_status}${request})`;
}

let interruptedBy: NodeJS.Signals | undefined;

/**
 * Runs `body` with a signal that Ctrl+C (SIGINT) or SIGTERM aborts, so a wait or a long listing
 * ends through its own error path (closing a --json document, erasing the progress line)
 * rather than being killed mid-output. The exit code then says which signal it was.
 */
export async function interruptible<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    interruptedBy ??= signal;
    abort.abort();
  };
  process.once("SIGINT", stop).once("SIGTERM", stop);
  try {
    return await body(abort.signal);
  } finally {
    process.off("SIGINT", stop).off("SIGTERM", stop);
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof Interrupted) return error.signal === "SIGTERM" ? EXIT.TERMINATED : EXIT.INTERRUPTED;
  // Once the user has interrupted, whatever the command then fails with (an aborted request,
  // or a network error that raced the signal) is the interruption.
  if (interruptedBy !== undefined && !(error instanceof UsageError)) return interruptedBy === "SIGTERM" ? EXIT.TERMINATED : EXIT.INTERRUPTED;
  if (error instanceof ModelArtsValidationError || error instanceof ModelArtsArgumentError || error instanceof ModelArtsConfigError || error instanceof UsageError) return EXIT.USAGE;
  if (error instanceof ModelArtsAbortError) return interruptedBy === "SIGTERM" ? EXIT.TERMINATED : EXIT.INTERRUPTED;
  if (error instanceof ModelArtsNetworkError || error instanceof ModelArtsWaiterTimeoutError) return EXIT.NETWORK;
  if (error instanceof ModelArtsServiceError) return EXIT.SERVICE;
  return EXIT.INTERNAL;
}

/** The error as --json prints it: a service error keeps a failure result's fields; our own errors give their code. */
export function errorFields(error: Reportable): Record<string, unknown> {
  if (error instanceof Interrupted) return { is_success: false, error_code: "INTERRUPTED", error_msg: error.message };
  if (interruptedBy !== undefined && !(error instanceof UsageError)) return { is_success: false, error_code: "INTERRUPTED", error_msg: `interrupted (${interruptedBy})` };
  return error instanceof ModelArtsServiceError
    ? { is_success: false, error_code: error.error_code, error_msg: error.error_msg, http_status: error.http_status, request_id: error.request_id }
    : { is_success: false, error_code: error instanceof ModelArtsError ? error.code : "USAGE", error_msg: error instanceof ModelArtsConfigError ? inCliTerms(error.message) : error.message };
}

/** What a command reports as an outcome; anything else is unexpected and reaches main's handler. */
export type Reportable = ModelArtsError | UsageError | Interrupted;

export function isReportable(error: unknown): error is Reportable {
  return error instanceof ModelArtsError || error instanceof UsageError || error instanceof Interrupted;
}

/**
 * The library names its options (`option endpoint or region`, `option credentials`); on the
 * command line those are flags, or a context that `config set-context` writes.
 */
function inCliTerms(message: string): string {
  return message.replace(/option endpoint or region, or /g, "--endpoint or --region, or ").replace(/option credentials, or /g, "");
}

export const SET_UP_HINT =
  "To set up a context: modelarts-annotations config set-context <name> --region <region> --project-id <id> --ak <ak> --sk -\n" +
  "or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (HUAWEICLOUD_SDK_PROJECT_ID, MODELARTS_REGION or MODELARTS_ENDPOINT), or pass --region/--endpoint and --project-id.";

export function reportError(out: Output, error: Reportable): number {
  if (error instanceof UsageError) out.error(`${error.message}\n${error.hint}`);
  else if (error instanceof ModelArtsConfigError) out.error(`${inCliTerms(error.message)}\n${SET_UP_HINT}`);
  else out.error(error.message);
  return exitCodeOf(error);
}

/**
 * Runs a command body and turns what it throws into the documented exit code, a message on
 * stderr and, with --json, an error document on stdout, so a script always has one to parse.
 */
export async function guarded(out: Output, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (!isReportable(error)) throw error;
    if (out.json) out.result(errorFields(error), () => "");
    return reportError(out, error);
  }
}
