/**
 * What each entry imports at run time, read from the sources' static import graph (type-only
 * imports are erased by the compiler and do not count):
 * - the portable client entry (src/index.ts, what browsers and bundlers get) imports no Node
 *   built-in, no YAML parser, no validator compiler and nothing of the CLI or emulator;
 * - the Node entry adds the config file reader, still without the YAML parser (loaded on use);
 * - the emulator is a separate entry.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

/** Module specifiers a file imports at run time: static imports and re-exports that are not type-only, and dynamic imports. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && !node.importClause?.isTypeOnly) {
      const named = node.importClause?.namedBindings;
      const allTypes = named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly) && node.importClause?.name === undefined;
      if (!allTypes) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) {
      const named = node.exportClause;
      const allTypes = named !== undefined && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      if (!allTypes) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0]!)) {
      found.push((node.arguments[0] as ts.StringLiteral).text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function importGraph(entry: string): { files: string[]; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of runtimeImports(file)) {
      if (!specifier.startsWith(".")) {
        packages.add(specifier);
        continue;
      }
      const target = path.resolve(path.dirname(file), specifier);
      if (target.endsWith(".js")) {
        const source = target.replace(/\.js$/, ".ts");
        pending.push(existsSync(source) ? source : target.replace(/\.js$/, ".d.ts"));
      } else if (target.endsWith(".json")) files.add(target);
    }
  }
  return { files: [...files].map((f) => path.relative(root, f)), packages };
}

describe("entry points", () => {
  it("the portable client entry imports openapi-fetch and nothing else from outside", () => {
    const { files, packages } = importGraph(path.join(root, "src/index.ts"));
    expect(files).toContain("src/api/client.ts");
    expect(files).toContain("generated/operations.ts");
    expect(files.filter((f) => f.startsWith("src/emulator/") || f.startsWith("src/cli/") || f.endsWith(".json"))).toEqual([]);
    // The config file's reader and shape checks are the Node entry's.
    expect(files).not.toContain("src/config/file.ts");
    expect([...packages]).toEqual(["openapi-fetch"]);
  });

  it("the Node entry adds the config file reader, but no parser or builtin import", () => {
    const { files, packages } = importGraph(path.join(root, "src/index.node.ts"));
    expect(files).toContain("src/config/file.ts");
    expect(files.filter((f) => f.startsWith("src/emulator/") || f.startsWith("src/cli/"))).toEqual([]);
    expect([...packages]).toEqual(["openapi-fetch"]);
  });

  it("the emulator entry exists beside them", () => {
    const { files } = importGraph(path.join(root, "src/emulator/index.ts"));
    expect(files).toContain("src/emulator/server.ts");
  });
});

describe("the portable entry's createClient", () => {
  it("takes options alone: a context, a config file or an environment is refused, naming the option and what to pass instead", async () => {
    const portable = await import("../../src/index.js");
    const client = portable.createClient({ endpoint: "https://modelarts.example.test", projectId: "p1", credentials: { ak: "AK1", sk: "SK1" } });
    expect(client.toJSON()).toMatchObject({ endpoint: "https://modelarts.example.test", projectId: "p1", auth: "aksk" });
    const withToken = { endpoint: "https://x.test", credentials: { token: "t" } };
    for (const [option, given] of [
      ["context", { context: "default" }],
      ["configFile", { configFile: "/etc/modelarts.yaml" }],
      // A Worker's bindings: read by the Node entry only; a Worker passes region, projectId and credentials from them.
      ["env", { env: { HUAWEICLOUD_SDK_PROJECT_ID: "p1" } }],
    ] as const) {
      const error = (() => {
        try {
          portable.createClient({ ...withToken, ...given });
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(error, option).toBeInstanceOf(portable.ModelArtsConfigError);
      expect((error as InstanceType<typeof portable.ModelArtsConfigError>).field).toBe(option);
      expect(String((error as Error).message)).toBe(`option ${option} is read only on Node.js; pass endpoint (or region), projectId and credentials instead`);
    }
    // Nothing to fall back on: the missing field is named with the option that gives it.
    expect(() => portable.createClient({ credentials: { token: "t" } })).toThrow("no endpoint: pass option endpoint or region");
    expect(() => portable.createClient({ region: "cn-north-4" })).toThrow("no credentials: pass option credentials");
  });

  it("leaves the User-Agent to the runtime and has no response limit, which is the Node entry's: an explicit maxResponseBytes is refused", async () => {
    const portable = await import("../../src/index.js");
    const node = await import("../../src/index.node.js");
    const seen: Request[] = [];
    const fetch = async (request: Request): Promise<Response> => {
      seen.push(request);
      return new Response(JSON.stringify({ tags: [] }), { headers: { "Content-Length": "12" } });
    };
    const options = { endpoint: "https://modelarts.example.test", projectId: "p1", credentials: { token: "t" }, fetch };
    await new portable.DataAnnotationsApi(portable.createClient(options)).query_tag_list({ data_annotation_id: "1" });
    await new node.DataAnnotationsApi(node.createClient(options)).query_tag_list({ data_annotation_id: "1" });
    expect(seen.map((request) => request.headers.get("user-agent"))).toEqual([null, expect.stringMatching(/^modelarts-data-annotations\/\S+ node\/v\d+\.\d+\.\d+$/)]);
    expect(() => portable.createClient({ ...options, maxResponseBytes: 1024 })).toThrow(
      expect.objectContaining({ name: "ModelArtsArgumentError", argument: "maxResponseBytes", message: "invalid argument 'maxResponseBytes': is applied only on Node.js" }),
    );
    // The same answer over a 4-byte limit: refused on Node, which wraps the client's fetch.
    const limited = await new node.DataAnnotationsApi(node.createClient({ ...options, maxResponseBytes: 4 })).query_tag_list({ data_annotation_id: "1" });
    expect(limited).toMatchObject({ is_success: false, error_code: "CLIENT.RESPONSE_TOO_LARGE" });
  });

  it("has the Node entry's exports but resolveContext, so that types checked against either hold for both", async () => {
    const portable: Record<string, unknown> = await import("../../src/index.js");
    const node: Record<string, unknown> = await import("../../src/index.node.js");
    expect(Object.keys(node).filter((name) => !(name in portable))).toEqual(["resolveContext"]);
    expect(Object.keys(portable).filter((name) => !(name in node))).toEqual([]);
  });
});
