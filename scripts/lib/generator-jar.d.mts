// Types for generator-jar.mjs (imported by the TypeScript tests).

export declare const REPO_ROOT: string;
export declare const JAR_SHA256: Readonly<Record<string, string>>;

export declare class JarError extends Error {}

export interface GeneratorConfig {
  /** The project root (absolute) that storageDir is resolved against. */
  root: string;
  file: string;
  version: string;
  storageDir: string;
  jarPath: string;
  downloadUrl: string;
}

export declare function readGeneratorConfig(root?: string): GeneratorConfig;
export declare function pinnedJarSha256(version: string, pins?: Readonly<Record<string, string>>): string;
export declare function sha256File(file: string): Promise<string>;
export declare function verifyJar(jarPath: string, version: string, opts?: { pins?: Readonly<Record<string, string>> }): Promise<string>;

export type JarFetcher = [name: string, fetch: (cfg: GeneratorConfig, log: (m: string) => void) => boolean | Promise<boolean>];

export declare function downloadWithWrapper(cfg: GeneratorConfig, log: (m: string) => void, opts?: { main?: string }): boolean;

export declare function ensureGeneratorJar(opts?: {
  log?: (m: string) => void;
  root?: string;
  fetchers?: JarFetcher[];
}): Promise<{ version: string; jarPath: string; downloaded: boolean }>;
