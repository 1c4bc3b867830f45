// Types for build.mjs (imported by the TypeScript tests).
import type { BuildOptions } from "esbuild";

export declare const REPO_ROOT: string;
export declare const DEFAULT_OUT_DIR: string;
export declare const NODE_ENTRY_POINTS: readonly string[];
export declare const PORTABLE_ENTRY_POINT: string;
export declare const CLI_BIN_ENTRY_POINT: string;
export declare const CLI_PROGRAM_ENTRY_POINT: string;
export declare const EXTERNAL: readonly string[];
export declare const PRECOMPUTED_COMMAND_LINES: readonly string[];
export declare function buildOptions(outDir?: string): { node: BuildOptions; nodeSubpaths: BuildOptions[]; portable: BuildOptions; cliBin: BuildOptions; cli: BuildOptions };
export declare function buildJavaScript(outDir?: string): Promise<void>;
export declare function emitDeclarations(outDir?: string): Promise<void>;
export declare function buildPackage(outDir?: string, options?: { declarations?: boolean }): Promise<void>;
