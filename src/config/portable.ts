/**
 * Resolution where there is no process environment and no file (browsers, Workers): the
 * options, then an environment only when the caller hands one over (a Worker's `env` bindings,
 * say). A context or config file asked for here is a configuration error that says what to pass.
 */
import { ModelArtsConfigError } from "../errors.js";
import { assemble } from "./assemble.js";
import { readEnv } from "./env.js";
import { readOptions } from "./options.js";
import type { ConfigOptions, ResolvedConfig } from "./types.js";

export function resolveOptions(options: ConfigOptions = {}, env?: Readonly<Record<string, string | undefined>>): ResolvedConfig {
  const values = readOptions(options);
  const fromEnv = env === undefined ? undefined : readEnv(env, (message) => globalThis.console?.warn(message), values.layer.credentials === undefined);
  if (values.context !== undefined || values.configFile !== undefined || fromEnv?.context !== undefined || fromEnv?.configFile !== undefined) {
    throw new ModelArtsConfigError(
      "config files and named contexts are read only on Node.js (through the package's Node entry); here pass endpoint (or region), projectId and credentials to createClient",
      { field: values.context !== undefined || fromEnv?.context !== undefined ? "context" : "configFile" },
    );
  }
  return assemble(fromEnv === undefined ? [values.layer] : [values.layer, fromEnv.layer]);
}
