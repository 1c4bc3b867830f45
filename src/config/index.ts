/**
 * `modelarts-data-annotations/config` (Node only): the config file (~/.modelarts/config.yaml)
 * and its named contexts, read and edited as the CLI's `config` commands do. The client entry
 * resolves contexts by itself; this is for tools that view or change the file.
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
  ClientCredentials,
  CredentialsProvider,
  ProvidedCredentials,
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
