/**
 * Field-by-field resolution: explicit options, then the environment, then the
 * chosen context of the config file. The file is only read when it is needed
 * or asked for, so a fully specified client works on a machine without one.
 */
import { ModelArtsConfigError } from "../errors.js";
import { ENV, readEnv } from "./env.js";
import { expandPath, homeConfigPath, homeOf, loadConfigFileIfExists, warnerOf } from "./file.js";
import { layer, type Layer } from "./layer.js";
import { readOptions } from "./options.js";
import type { ConfigContext, ConfigFile, ConfigHooks, ConfigOptions, ResolvedConfig } from "./types.js";
import { endpointForRegion } from "./validate.js";
import { processEnv } from "../platform/node.js";

type RequiredField = "endpoint" | "credentials";

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
  if (context !== undefined) layers.push(layer("file", context));
  return assemble(layers, file, context);
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

function assemble(layers: Layer[], file?: ConfigFile, context?: ConfigContext): ResolvedConfig {
  const endpoint = pickEndpoint(layers);
  const credentialsLayer = layers.find((l) => l.credentials !== undefined);
  if (endpoint === undefined) throw missingFieldError("endpoint", file, context);
  if (credentialsLayer?.credentials === undefined) throw missingFieldError("credentials", file, context);
  const projectLayer = layers.find((l) => l.projectId !== undefined);
  const region = layers.find((l) => l.region !== undefined)?.region;

  const config: ResolvedConfig = {
    endpoint: endpoint.url,
    credentials: credentialsLayer.credentials,
    sources: {
      endpoint: endpoint.source,
      projectId: projectLayer?.source ?? "default",
      credentials: credentialsLayer.source,
    },
  };
  if (region !== undefined) config.region = region;
  if (projectLayer?.projectId !== undefined) config.projectId = projectLayer.projectId;
  if (context !== undefined) config.context = context.name;
  if (file !== undefined) config.configFile = file.path;
  return config;
}

/** Within a source an explicit endpoint beats one derived from the region, and any source beats the next. */
function pickEndpoint(layers: Layer[]): { url: string; source: Layer["source"] } | undefined {
  for (const { endpoint, region, source } of layers) {
    if (endpoint !== undefined) return { url: endpoint, source };
    if (region !== undefined) return { url: endpointForRegion(region), source };
  }
  return undefined;
}

const HOW_TO_GIVE: Record<RequiredField, string> = {
  endpoint: `option endpoint or region, or ${ENV.endpoint} or ${ENV.region}`,
  credentials: `option credentials, or ${ENV.ak} and ${ENV.sk}`,
};

// The YAML key a user would add to fix a missing field.
const YAML_FIELD: Record<RequiredField, string> = { endpoint: "region", credentials: "credentials" };

function missingFieldError(field: RequiredField, file?: ConfigFile, context?: ConfigContext): ModelArtsConfigError {
  const none = `none ${field === "endpoint" ? "was" : "were"} given as options or environment (${HOW_TO_GIVE[field]})`;
  const lacks = field === "endpoint" ? "has neither region nor endpoint" : "has no credentials";
  const message =
    context !== undefined && file !== undefined ? `context "${context.name}" in ${file.path} ${lacks}, and ${none}` : `no ${field}: ${none}`;
  return new ModelArtsConfigError(message, {
    file: file?.path,
    context: context?.name,
    field: YAML_FIELD[field],
    availableContexts: file?.contexts.map((c) => c.name),
  });
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
