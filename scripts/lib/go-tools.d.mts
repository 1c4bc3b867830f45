// Types for go-tools.mjs (imported by the TypeScript tests).

export declare const REPO_ROOT: string;
export declare const DEFAULT_TOOLS_BIN: string;

export interface GoToolPin {
  module: string;
  package: string;
  version: string;
  /** The module zip's h1: hash, as go.sum records it. */
  sum: string;
}

export declare const GO_TOOLS: Readonly<Record<"oasdiff" | "actionlint", Readonly<GoToolPin>>>;
export declare class GoToolError extends Error {}
export declare function readBuildInfo(binary: string): { module: string; version: string; sum: string } | undefined;
export declare function ensureGoTool(
  name: string,
  opts?: { toolsBin?: string; log?: (line: string) => void; pins?: Readonly<Record<string, GoToolPin>> },
): string;
