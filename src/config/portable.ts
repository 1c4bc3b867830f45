/**
 * Resolution where there is no environment and no file (browsers, Workers): the options alone.
 * A context or config file asked for here is a configuration error that says what to pass.
 */
import { ModelArtsConfigError } from "../errors.js";
import { assemble } from "./assemble.js";
import { readOptions } from "./options.js";
import type { ConfigOptions, ResolvedConfig } from "./types.js";

export function resolveOptions(options: ConfigOptions = {}): ResolvedConfig {
  const values = readOptions(options);
  if (values.context !== undefined || values.configFile !== undefined) {
    throw new ModelArtsConfigError(
      "config files and named contexts are read only on Node.js (through the package's Node entry); here pass endpoint (or region), projectId and credentials to createClient",
      { field: values.context !== undefined ? "context" : "configFile" },
    );
  }
  return assemble([values.layer]);
}
