import { checkClient, type ModelArtsClient } from "./client.js";
import { invoke } from "./invoke.js";
import type { CallOptions, HelperParams, Result } from "./types.js";

/** The Label operations, like the legacy SDK's `LabelApi`. */
export class LabelApi {
  readonly #client: ModelArtsClient;

  constructor(client: ModelArtsClient) {
    this.#client = checkClient(client);
  }

  /** The labelled images a reviewer validates, and the previous validation's outcome. */
  query_validation(params: HelperParams<"query_validation">, options?: CallOptions): Promise<Result<"query_validation">> {
    return invoke(this.#client, "query_validation", params, options);
  }
}
