import type { ClientCredentials } from "./types.js";

/** What one source (options, environment or a file context) says; absent fields defer to the next source. */
export interface Layer {
  source: "options" | "env" | "file";
  endpoint?: string;
  region?: string;
  projectId?: string;
  credentials?: ClientCredentials;
}

/** Copies only the defined fields, so that layers stay free of `key: undefined`. */
export function layer(source: Layer["source"], fields: Omit<Layer, "source">): Layer {
  const result: Layer = { source };
  if (fields.endpoint !== undefined) result.endpoint = fields.endpoint;
  if (fields.region !== undefined) result.region = fields.region;
  if (fields.projectId !== undefined) result.projectId = fields.projectId;
  if (fields.credentials !== undefined) result.credentials = fields.credentials;
  return result;
}
