/**
 * SHA-256 and HMAC-SHA256 on Web Crypto (`crypto.subtle`), for runtimes without node:crypto:
 * browsers, Deno, Workers. Asynchronous, as Web Crypto is; the transport awaits it.
 */
import { ModelArtsConfigError } from "../errors.js";
import { utf8 } from "./canonical.js";

function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (s === undefined) throw new ModelArtsConfigError("AK/SK signing needs Web Crypto (crypto.subtle), which browsers give https and localhost pages only");
  return s;
}

const hex = (buffer: ArrayBuffer): string => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

function bytesOf(data: string | Uint8Array | ArrayBuffer): Uint8Array<ArrayBuffer> {
  return (typeof data === "string" ? utf8.encode(data) : new Uint8Array(data)) as Uint8Array<ArrayBuffer>;
}

export async function sha256HexAsync(data: string | Uint8Array | ArrayBuffer): Promise<string> {
  return hex(await subtle().digest("SHA-256", bytesOf(data)));
}

/**
 * HMAC-SHA256 as hex. The key is imported for each signature: that costs microseconds
 * against the request's round trip, and a key kept per credentials object costs the bundle.
 */
export async function hmacSha256HexAsync(key: string, data: string): Promise<string> {
  const cryptoKey = await subtle().importKey("raw", bytesOf(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return hex(await subtle().sign("HMAC", cryptoKey, bytesOf(data)));
}
