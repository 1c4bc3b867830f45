// Types for bundle-size.mjs (imported by the TypeScript tests).

export declare const REPO_ROOT: string;
export declare const GZIP_LIMIT_BYTES: number;
export declare const BUILT_ENTRY: string;
export declare const BROWSER_BUNDLE_OPTIONS: Readonly<{ bundle: true; minify: true; platform: "browser"; format: "esm" }>;

export declare class BundleError extends Error {}

export interface BundleInput {
  /** Path relative to the repository, as esbuild's metafile names it. */
  file: string;
  /** Minified bytes this file contributes to the bundle. */
  bytes: number;
}

export interface BundleMeasurement {
  label: string;
  minifiedBytes: number;
  /** gzip at level 9 of the minified bundle. */
  gzipBytes: number;
  /** Contributing files, largest first. */
  inputs: BundleInput[];
  /** Imports left in the bundle rather than inlined (none, unless esbuild's behaviour changes). */
  externals: string[];
  /** The minified bundle itself. */
  code: string;
}

/** Throws BundleError (listing esbuild's errors) when the bundle does not build. */
export declare function measureEntry(entry?: string): Promise<BundleMeasurement>;
export declare function measurePackage(name: string): Promise<BundleMeasurement>;
export declare function bytesByOrigin(inputs: readonly BundleInput[], options?: { byFile?: boolean }): { origin: string; bytes: number }[];
export declare function formatKiB(bytes: number): string;
