/**
 * Resolution where there is no process environment and no file (browsers, Workers): the options
 * alone. A context, a config file or an environment asked for here is a configuration error that
 * says what to pass instead: reading them is the Node entry's (src/config/resolve.ts), and a
 * Worker hands its bindings over as options (`region: env.MODELARTS_REGION`, ...), which keeps
 * the variables' names, and the precedence between them, out of every browser bundle.
 */
import { ModelArtsConfigError } from "../errors.js";
import { assemble } from "./assemble.js";
import { readOptions } from "./options.js";
import type { ConfigOptions, ResolvedConfig } from "./types.js";

export function resolveOptions(options: ConfigOptions = {}, env?: Readonly<Record<string, string | undefined>>): ResolvedConfig {
  const { layer, context, configFile } = readOptions(options);
  const field = context !== undefined ? "context" : configFile !== undefined ? "configFile" : env !== undefined ? "env" : undefined;
  if (field !== undefined) {
    throw new ModelArtsConfigError(`option ${field} is read only on Node.js; pass endpoint (or region), projectId and credentials instead`, { field });
  }
  return assemble([layer]);
}
