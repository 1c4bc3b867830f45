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

// The key last imported, and the SK it came from: a client signs every request with the same
// SK, and importKey costs more than the signature. A Promise, so that concurrent signatures
// share one import; held until another SK comes, like the client's own credentials.
let lastKey: { sk: string; key: Promise<CryptoKey> } | undefined;

/** HMAC-SHA256 as hex, the key taken as its UTF-8 bytes. */
export async function hmacSha256HexAsync(sk: string, data: string): Promise<string> {
  if (lastKey?.sk !== sk) lastKey = { sk, key: subtle().importKey("raw", bytesOf(sk), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]) };
  return hex(await subtle().sign("HMAC", await lastKey.key, bytesOf(data)));
}
