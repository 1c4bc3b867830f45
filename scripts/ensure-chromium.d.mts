// Types for ensure-chromium.mjs (imported by the TypeScript tests).

export declare const CHROMIUM_PATH: string;
export declare class ChromiumInstallError extends Error {}
export declare function ensureChromium(opts?: { log?: (line: string) => void }): string;
export declare function chromiumVersion(exe?: string): string;
