import { checkClient, type ModelArtsClient } from "./client.js";
import { addHelpers, type Helper, type HelpersOf } from "./invoke.js";

/** The Label operations, like the legacy SDK's `LabelApi`; the helpers come from the operation table (addHelpers). */
export class LabelApi implements HelpersOf<"Label"> {
  constructor(client: ModelArtsClient) {
    addHelpers(this, checkClient(client), "Label");
  }

  /** The labelled images a reviewer validates, and the previous validation's outcome. */
  declare readonly query_validation: Helper<"query_validation">;
}
