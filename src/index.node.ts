/**
 * The package's entry on Node (the "node" export condition): the portable client of ./index.js,
 * plus what only Node has. `createClient` also reads the environment (HUAWEICLOUD_SDK_*,
 * MODELARTS_*) and the config file, so that `createClient({ context: "default" })` reads
 * ~/.modelarts/config.yaml as the legacy SDK's `create_client(context="default")` did (the YAML
 * parser loads only when a file is read); `signRequest` signs synchronously on node:crypto.
 */
import { clientFactory } from "./api/client.js";
import { limitResponses } from "./api/response-limit.js";
import "./auth/signer-node.js";
import { resolveContext } from "./config/resolve.js";
import { nodeUserAgent, processEnv } from "./platform/node.js";

export * from "./index.js";
export { resolveContext };

/** See ./api/client.ts: options, then environment, then the config file's context. */
export const createClient = clientFactory((options, env) => resolveContext(options, env ?? processEnv()), { userAgent: nodeUserAgent(), limitResponses });
