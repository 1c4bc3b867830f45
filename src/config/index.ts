/**
 * Configuration resolution for the client: named contexts in a YAML file
 * (~/.modelarts/config.yaml), environment variables, and explicit options.
 */
export type {
  ConfigContext,
  ConfigFile,
  ConfigHooks,
  ConfigOptions,
  ConfigSource,
  ConfigWarningCode,
  CredentialsInput,
  ResolvedConfig,
  ResolvedCredentials,
} from "./types.js";
export { DEFAULT_CONFIG_PATH, defaultConfigPath, loadConfigFile } from "./file.js";
export { ENV as CONFIG_ENV_VARS } from "./env.js";
export { resolveContext } from "./resolve.js";
