/**
 * `call <operation_id> [options]`: any operation of the spec through its helper, the command
 * made from the operation table the package exports (see ../call-command.ts). Loaded only when
 * `call` runs, since the table brings the client with it.
 */
import { OPERATIONS, type FailureResult } from "../../index.node.js";
import { readBody } from "../body.js";
import { parseCall, type CallRequest } from "../call-command.js";
import { EXIT } from "../exit-codes.js";
import { printable, type CliIo } from "../output.js";
import { UsageError } from "../usage.js";
import { connect, guarded, interruptible, outputFor, serviceFailure } from "./common.js";

type AnyHelper = (params: Record<string, unknown>, options: { signal: AbortSignal }) => Promise<{ is_success: boolean }>;

export async function call(io: CliIo, args: readonly string[]): Promise<number> {
  // Until the arguments are parsed, --json and --no-color are taken as written, for a usage error's output.
  const early = outputFor(io, { json: args.includes("--json"), ...(args.includes("--no-color") ? { color: false } : {}) });
  let request: CallRequest | undefined;
  const parsed = await guarded(early, async () => {
    request = await parseCall(OPERATIONS, io, args);
    return request === undefined ? EXIT.USAGE : EXIT.OK;
  });
  return request === undefined ? parsed : perform(io, request);
}

/** A bad --body names the operation's own help, where --body's forms are listed. */
function pointToHelp(request: CallRequest): (error: unknown) => never {
  return (error) => {
    if (error instanceof UsageError) throw new UsageError(error.message, `Run "modelarts-annotations call ${request.operationId} --help" for its options.`);
    throw error;
  };
}

async function perform(io: CliIo, request: CallRequest): Promise<number> {
  const out = outputFor(io, request.flags);
  return guarded(out, async () => {
    // The body is read and parsed before any client exists: a bad one sends nothing.
    const params = request.body === undefined ? request.params : { ...request.params, body: await readBody(request.body).catch(pointToHelp(request)) };
    const { das, label } = connect(request.flags);
    // The helpers are named by operationId, one per operation of each tag (tsc checks it: src/api, HelpersOf).
    const api: object | undefined = { DataAnnotations: das, Label: label }[request.tag];
    const helper = api === undefined ? undefined : (api as Record<string, unknown>)[request.operationId];
    if (typeof helper !== "function") throw new Error(`${request.operationId} (tag ${request.tag}) has no helper in DataAnnotationsApi or LabelApi`);
    const result = await interruptible((signal) => (helper as AnyHelper).call(api, params, { signal }));
    if (!result.is_success) return serviceFailure(out, result as FailureResult);
    // JSON escapes C0 controls but not C1 (U+0080 to U+009F, such as a CSI): escaped here too, for a terminal; still valid JSON.
    out.result(result, () => printable(JSON.stringify(result, null, 2)));
    return EXIT.OK;
  });
}
