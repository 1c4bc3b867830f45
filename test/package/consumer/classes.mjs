// One copy of each class across the installed package's entries: an error thrown through ./config is the main entry's class,
// as a user's `catch (e) { if (e instanceof ModelArtsConfigError) ... }` expects, from ES modules and from CommonJS alike.
import { createRequire } from "node:module";
import { ModelArtsConfigError, ModelArtsError, resolveContext } from "modelarts-data-annotations";
import { loadConfigFile, resolveContext as resolveContextOfConfig } from "modelarts-data-annotations/config";

let thrown;
try {
  loadConfigFile(new URL("./no-such-config.yaml", import.meta.url).pathname);
} catch (error) {
  thrown = error;
}
const required = createRequire(import.meta.url)("modelarts-data-annotations");
console.log(
  JSON.stringify({
    name: thrown?.name,
    isConfigError: thrown instanceof ModelArtsConfigError,
    isModelArtsError: thrown instanceof ModelArtsError,
    oneResolveContext: resolveContext === resolveContextOfConfig,
    requireGivesTheSameClass: required.ModelArtsConfigError === ModelArtsConfigError,
  }),
);
