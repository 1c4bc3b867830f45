import type { ClientCredentials } from "./types.js";

/** What one source (options, environment or a file context) says; absent fields defer to the next source. */
export interface Layer {
  source: "options" | "env" | "file";
  endpoint?: string | undefined;
  region?: string | undefined;
  projectId?: string | undefined;
  credentials?: ClientCredentials | undefined;
}

/** What the options or the environment give: their layer, and the context or config file they name. */
export interface SourceValues {
  layer: Layer;
  context?: string | undefined;
  configFile?: string | undefined;
}
