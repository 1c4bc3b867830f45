import { checkClient, type ModelArtsClient } from "./client.js";
import { invoke, type Helper, type HelpersOf } from "./invoke.js";

/** The Label operations, like the legacy SDK's `LabelApi`. */
export class LabelApi implements HelpersOf<"Label"> {
  readonly #client: ModelArtsClient;

  constructor(client: ModelArtsClient) {
    this.#client = checkClient(client);
  }

  /** The labelled images a reviewer validates, and the previous validation's outcome. */
  readonly query_validation: Helper<"query_validation"> = (params, options) => invoke(this.#client, "query_validation", params, options);
}
