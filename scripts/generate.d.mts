// Types for generate.mjs (imported by the TypeScript tests and scripts/lib/ts-surface.mjs).

/** Every file of generated/ for a bundled OpenAPI document, by file name. */
export declare function generatedFiles(document: object, pkg: { name: string; version: string }): Promise<Map<string, string>>;
