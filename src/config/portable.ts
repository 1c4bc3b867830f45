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
  const sources = [readOptions(options)];
  if (env !== undefined) sources.push(readEnv(env, (message) => globalThis.console?.warn(message), sources[0]?.layer.credentials === undefined));
  const named = sources.find((source) => (source.context ?? source.configFile) !== undefined);
  if (named !== undefined) {
    throw new ModelArtsConfigError("named contexts and config files are read only on Node.js; pass endpoint (or region), projectId and credentials instead", {
      field: named.context !== undefined ? "context" : "configFile",
    });
  }
  return assemble(sources.map((source) => source.layer));
}
