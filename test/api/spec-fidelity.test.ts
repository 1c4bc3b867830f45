/** Constraints the spec now states in its schema rather than only in prose, as the client enforces them. */
import { describe, expect, it } from "vitest";
import openapi from "../../generated/openapi.json" with { type: "json" };
import { createClient, DataAnnotationsApi, ModelArtsValidationError } from "../../src/index.node.js";

describe("ModifyImageInfoRequest.images lists each image once", () => {
  it("says so with uniqueItems, and the client refuses a repeated entry before any request", async () => {
    const schemas = (openapi as unknown as { components: { schemas: Record<string, { properties: Record<string, { uniqueItems?: boolean }> }> } }).components.schemas;
    expect(schemas["ModifyImageInfoRequest"]!.properties["images"]!.uniqueItems).toBe(true);
    const fetch = async (): Promise<Response> => {
      throw new Error("network must not be reached");
    };
    const das = new DataAnnotationsApi(
      createClient({ endpoint: "http://127.0.0.1:9", credentials: { ak: "AK", sk: "sk" }, projectId: "0f1e2d3c4b5a69788796a5b4c3d2e1f0", env: {}, fetch }),
    );
    const entry = { image_id: "1a933b18e00384d1a1b7bc87e6883c21", tags: ["cat"] };
    const error = await das.modify_image_info({ data_annotation_id: "282", body: { images: [entry, { ...entry }] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtsValidationError);
    expect((error as ModelArtsValidationError).parameter).toMatch(/^body\.images/);
  });

  it("ShowImagesByTagResponse.project_id is an int32, as the reference's Integer", () => {
    const schemas = (openapi as unknown as { components: { schemas: Record<string, { properties: Record<string, { format?: string }> }> } }).components.schemas;
    expect(schemas["ShowImagesByTagResponse"]!.properties["project_id"]!.format).toBe("int32");
  });
});
