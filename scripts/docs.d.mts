// Types for docs.mjs (imported by the TypeScript tests).

/** References in an HTML text that a browser would load from another host. */
export declare function externalLoads(html: string): string[];
