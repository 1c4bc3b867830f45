// The TypeScript client's helper signatures as a given spec types them.
//
// The helpers' parameter and result types are computed from generated/schema.ts, so the
// surface a spec change gives users is what the type checker resolves, not what the spec
// suggests. For one revision: copy the working tree's src/ beside that revision's
// generated/ (inside the repository, so node_modules resolves),
// load a probe through the TypeScript compiler API, and print every public method of
// DataAnnotationsApi and LabelApi with the types expanded down to the spec's fields.

import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { generatedFiles } from "../generate.mjs";

const API_MODULES = { DataAnnotationsApi: "data-annotations", LabelApi: "label" };
const API_CLASSES = Object.keys(API_MODULES);
const MAX_DEPTH = 8;

/** Write a TypeScript checkout of the helpers for `bundle` (a parsed OpenAPI document) into `dir`. */
export async function layoutRevision(dir, bundle, { repoRoot }) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "generated"), { recursive: true });
  fs.cpSync(path.join(repoRoot, "src"), path.join(dir, "src"), { recursive: true });
  // All of generated/ as `npm run generate` would write it for this spec: the facade imports the
  // operation table and the version as well as the types.
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
  for (const [name, text] of await generatedFiles(structuredClone(bundle), pkg)) fs.writeFileSync(path.join(dir, "generated", name), text);
  fs.writeFileSync(
    path.join(dir, "probe.ts"),
    // The facade's own modules, not src/index.ts: the rest of src/ does not shape the helpers' types and costs seconds to load.
    API_CLASSES.map((c) => `import type { ${c} } from "./src/api/${API_MODULES[c]}.js";\n`).join("") +
      `export declare const apis: { ${API_CLASSES.map((c) => `${c}: ${c}`).join("; ")} };\n`,
  );
}

/** `{ signatures: { "DataAnnotationsApi.sync_obs": "sync_obs(params: {...}, options?: CallOptions): Promise<...>", ... }, errors: [compiler messages] }` */
export function helperSignatures(dir) {
  const probe = path.join(dir, "probe.ts");
  const program = ts.createProgram([probe], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
    types: ["node"],
    strict: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(probe);
  // Only the facade's own files are checked: a full check of src/ costs several seconds, and the
  // helpers' signatures depend on these (the rest of src/ does not read the spec's types).
  const facade = path.join(dir, "src", "api") + path.sep;
  const diagnostics = program
    .getSourceFiles()
    .filter((f) => f.fileName.startsWith(facade))
    .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])
    .filter((d) => d.category === ts.DiagnosticCategory.Error);
  // A spec change can leave the helpers uncompilable (an operation they call was removed): that is
  // part of the surface change, so it is returned, and the types are still read (as far as they resolve).
  const errors = diagnostics.slice(0, 10).map((d) => ts.formatDiagnostic(d, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => dir,
    getNewLine: () => "",
  }).trim());
  const generatedDir = path.join(dir, "generated") + path.sep;
  const apis = checker.getExportsOfModule(checker.getSymbolAtLocation(source)).find((s) => s.name === "apis");
  const apisType = checker.getTypeOfSymbolAtLocation(apis, source);

  const expandable = (type) => {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    if (!symbol) return true;
    if (symbol.name === "__type" || symbol.name === "__object") return true;
    return (symbol.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(generatedDir));
  };

  const render = (type, depth) => {
    const flat = checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
    if (depth > MAX_DEPTH) return flat;
    if (type.isUnion()) {
      // Numeric enums print in declaration order, whatever order the checker created the literals in.
      if (type.types.every((t) => t.isNumberLiteral())) return type.types.map((t) => t.value).sort((a, b) => a - b).join(" | ");
      if (type.types.every((t) => !(t.flags & ts.TypeFlags.Object))) return flat;
      return type.types.map((t) => render(t, depth + 1)).join(" | ");
    }
    if (!(type.flags & ts.TypeFlags.Object)) return flat;
    if (checker.isArrayType(type)) {
      const [element] = checker.getTypeArguments(type);
      const inner = render(element, depth + 1);
      return /[|&]/.test(inner) && !inner.startsWith("{") ? `(${inner})[]` : `${inner}[]`;
    }
    if (type.getCallSignatures().length > 0) return flat;
    const target = type.target;
    if (target && target.symbol && ["Promise", "AsyncGenerator"].includes(target.symbol.name)) {
      return `${target.symbol.name}<${checker.getTypeArguments(type).map((t) => render(t, depth + 1)).join(", ")}>`;
    }
    if (!expandable(type)) return flat;
    const props = checker.getPropertiesOfType(type);
    if (props.length === 0) return flat;
    const fields = props.map((p) => {
      const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
      let propType = checker.getTypeOfSymbol(p);
      // `x?: T` reads back as `T | undefined` under strict: print it once, as TypeScript users write it.
      if (optional && propType.isUnion()) propType = checker.getNonNullableType(propType);
      return `${p.name}${optional ? "?" : ""}: ${render(propType, depth + 1)}`;
    });
    return `{ ${fields.join("; ")} }`;
  };

  const signatures = {};
  for (const className of API_CLASSES) {
    const classProp = apisType.getProperty(className);
    const instance = checker.getTypeOfSymbol(classProp);
    for (const method of checker.getPropertiesOfType(instance)) {
      const methodType = checker.getTypeOfSymbol(method);
      for (const sig of methodType.getCallSignatures()) {
        const params = sig.getParameters().map((p) => {
          const decl = p.valueDeclaration;
          const optional = decl && ts.isParameter(decl) && (decl.questionToken !== undefined || decl.initializer !== undefined);
          let t = checker.getTypeOfSymbol(p);
          if (optional && t.isUnion()) t = checker.getNonNullableType(t);
          return `${p.name}${optional ? "?" : ""}: ${render(t, 0)}`;
        });
        signatures[`${className}.${method.name}`] = `${method.name}(${params.join(", ")}): ${render(sig.getReturnType(), 0)}`;
      }
    }
  }
  return { signatures, errors };
}
