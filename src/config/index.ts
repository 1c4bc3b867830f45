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
export { defaultConfigPath, loadConfigFile } from "./file.js";
export { resolveContext } from "./resolve.js";
export {
  describeConfig,
  setContext,
  useContext,
  deleteContext,
  type ConfigEditOptions,
  type ConfigView,
  type ContextFields,
  type ContextView,
  type CredentialsView,
  type DeleteContextResult,
  type SetContextResult,
  type UseContextResult,
} from "./edit.js";
