/**
 * Field-by-field resolution on Node: explicit options, then the environment, then the
 * chosen context of the config file. The file is only read when it is needed or asked
 * for, so a fully specified client works on a machine without one. (The portable
 * entry resolves options alone: ./portable.js.)
 */
import { ModelArtsConfigError } from "../errors.js";
import { ENV, readEnv } from "./env.js";
import { assemble, pickEndpoint, type RequiredField } from "./assemble.js";
import { expandPath, homeConfigPath, homeOf, loadConfigFileIfExists, warnerOf } from "./file.js";
import type { Layer } from "./layer.js";
import { readOptions } from "./options.js";
import type { ConfigContext, ConfigFile, ConfigHooks, ConfigOptions, ResolvedConfig } from "./types.js";
import { processEnv } from "../platform/node.js";

/** Where each required field may come from, on Node. */
const HOW_TO_GIVE: Record<RequiredField, string> = {
  endpoint: `option endpoint or region, or ${ENV.endpoint} or ${ENV.region}`,
  credentials: `option credentials, or ${ENV.ak} and ${ENV.sk}`,
};

// The YAML key a user would add to fix a missing field.
const YAML_FIELD: Record<RequiredField, string> = { endpoint: "region", credentials: "credentials" };

/** A context or file named by the caller rather than defaulted, and who named it (for messages). */
interface Named {
  value: string;
  by: string;
  field: string;
}

export function resolveContext(options: ConfigOptions = {}, env: Readonly<Record<string, string | undefined>> = processEnv(), hooks: ConfigHooks = {}): ResolvedConfig {
  const fromOptions = readOptions(options);
  const fromEnv = readEnv(env, warnerOf(hooks), fromOptions.layer.credentials === undefined);
  const layers = [fromOptions.layer, fromEnv.layer];
  const namedContext = pickNamed(fromOptions.context, fromEnv.context, "context", ENV.context);
  const namedFile = pickNamed(fromOptions.configFile, fromEnv.configFile, "configFile", ENV.configFile);
  const missing = missingFields(layers);

  if (missing.length === 0 && namedContext === undefined && namedFile === undefined) return assemble(layers);

  const home = homeOf(hooks);
  const path = namedFile === undefined ? homeConfigPath(home) : expandPath(namedFile.value, home);
  const file = loadConfigFileIfExists(path, hooks);
  if (file === undefined) throw missingFileError(path, namedFile, namedContext, missing);
  const context = selectContext(file, namedContext, missing.length > 0);
  if (context !== undefined) layers.push({ ...context, source: "file" });
  const config = assemble(layers, (field) => missingInContextError(field, file, context));
  if (context !== undefined) config.context = context.name;
  config.configFile = file.path;
  return config;
}

/** Why no source gave `field`, and where it could have come from. */
function noneGiven(field: RequiredField): string {
  return `none ${field === "endpoint" ? "was" : "were"} given as options or environment (${HOW_TO_GIVE[field]})`;
}

/** A required field that neither options, environment nor the context give (the file's words are Node's alone, so they live here). */
function missingInContextError(field: RequiredField, file: ConfigFile, context: ConfigContext | undefined): ModelArtsConfigError {
  const lacks = field === "endpoint" ? "has neither region nor endpoint" : "has no credentials";
  const message = context !== undefined ? `context "${context.name}" in ${file.path} ${lacks}, and ${noneGiven(field)}` : `no ${field}: ${noneGiven(field)}`;
  return new ModelArtsConfigError(message, {
    file: file.path,
    context: context?.name,
    field: YAML_FIELD[field],
    availableContexts: file.contexts.map((c) => c.name),
  });
}

function pickNamed(fromOptions: string | undefined, fromEnv: string | undefined, option: string, envName: string): Named | undefined {
  if (fromOptions !== undefined) return { value: fromOptions, by: `option ${option}`, field: option };
  if (fromEnv !== undefined) return { value: fromEnv, by: envName, field: envName };
  return undefined;
}

function missingFields(layers: Layer[]): RequiredField[] {
  const missing: RequiredField[] = [];
  if (pickEndpoint(layers) === undefined) missing.push("endpoint");
  if (!layers.some((l) => l.credentials !== undefined)) missing.push("credentials");
  return missing;
}

/**
 * The context named by option or environment, else the file's current-context.
 * With nothing missing and no name given, a file without current-context is fine.
 */
function selectContext(file: ConfigFile, named: Named | undefined, required: boolean): ConfigContext | undefined {
  const name = named?.value ?? file.currentContext;
  const available = file.contexts.map((c) => c.name);
  if (name === undefined) {
    if (!required) return undefined;
    throw new ModelArtsConfigError(
      `no context chosen: ${file.path} has no current-context, and neither option context nor ${ENV.context} names one; contexts defined: ${list(available)}`,
      { file: file.path, field: "current-context", availableContexts: available },
    );
  }
  const context = file.contexts.find((c) => c.name === name);
  if (context === undefined) {
    throw new ModelArtsConfigError(
      `unknown context "${name}" in ${file.path}; contexts defined: ${list(available)} (the name came from ${named?.by ?? "current-context"})`,
      { file: file.path, context: name, field: named?.field ?? "current-context", availableContexts: available },
    );
  }
  return context;
}

function missingFileError(path: string, namedFile: Named | undefined, namedContext: Named | undefined, missing: RequiredField[]): ModelArtsConfigError {
  const details = { file: path, context: namedContext?.value, field: namedFile?.field };
  if (namedFile !== undefined) {
    return new ModelArtsConfigError(`config file ${path} (named by ${namedFile.by}) does not exist`, details);
  }
  if (namedContext !== undefined) {
    return new ModelArtsConfigError(`config file ${path} does not exist, but context "${namedContext.value}" was named by ${namedContext.by}`, details);
  }
  const gaps = missing.map((field) => `${field} (${HOW_TO_GIVE[field]})`).join(" and no ");
  const first = missing[0];
  return new ModelArtsConfigError(`no config file at ${path}, and options and environment give no ${gaps}`, {
    ...details,
    field: first === undefined ? undefined : YAML_FIELD[first],
  });
}

function list(names: string[]): string {
  return names.length === 0 ? "none" : names.join(", ");
}
