/**
 * The last step of every resolution: the layers (options, then environment, then a file
 * context) merged field by field into the client's configuration, or the error that names
 * the missing field and where it could have come from.
 */
import { ModelArtsConfigError } from "../errors.js";
import type { Layer } from "./layer.js";
import type { ResolvedConfig } from "./types.js";
import { endpointForRegion } from "./validate.js";

export type RequiredField = "endpoint" | "credentials";

/** The error for a required field no layer gives. */
export type MissingFieldError = (field: RequiredField) => ModelArtsConfigError;

/** `missing` words the error; the Node resolution passes one that names the file's context (resolve.ts). */
export function assemble(layers: Layer[], missing: MissingFieldError = missingFieldError): ResolvedConfig {
  const endpoint = pickEndpoint(layers);
  const [credentials, projectId, region] = (["credentials", "projectId", "region"] as const).map((field) => layers.find((l) => l[field] !== undefined));
  if (endpoint === undefined) throw missing("endpoint");
  if (credentials?.credentials === undefined) throw missing("credentials");
  const config: ResolvedConfig = {
    endpoint: endpoint.url,
    credentials: credentials.credentials,
    sources: { endpoint: endpoint.source, projectId: projectId?.source ?? "default", credentials: credentials.source },
  };
  if (region !== undefined) config.region = region.region;
  if (projectId !== undefined) config.projectId = projectId.projectId;
  return config;
}

/** Within a source an explicit endpoint beats one derived from the region, and any source beats the next. */
export function pickEndpoint(layers: Layer[]): { url: string; source: Layer["source"] } | undefined {
  for (const { endpoint, region, source } of layers) {
    if (endpoint !== undefined) return { url: endpoint, source };
    if (region !== undefined) return { url: endpointForRegion(region), source };
  }
  return undefined;
}

// Options are the only source where no environment or file is read (the portable entry); the
// Node resolution words its own error, naming the variables and the file too (resolve.ts).
function missingFieldError(field: RequiredField): ModelArtsConfigError {
  return new ModelArtsConfigError(`no ${field}: pass option ${field === "endpoint" ? "endpoint or region" : field}`, { field });
}

