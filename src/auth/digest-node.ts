/**
 * SHA-256 and HMAC-SHA256 on Node's crypto, synchronously: what the exported `signRequest` and
 * the emulator's verifier use. node:crypto is looked up when first needed, not imported, so the
 * client entry still bundles for runtimes that only have Web Crypto (./digest-web.js).
 */
import type * as NodeCrypto from "node:crypto";
import { requireNodeBuiltin } from "../platform/node.js";
import { SIGNING_ALGORITHM } from "./canonical.js";

let crypto: typeof NodeCrypto | undefined;

function nodeCrypto(): typeof NodeCrypto {
  crypto ??= requireNodeBuiltin<typeof NodeCrypto>("node:crypto", "synchronous signing (signRequest; use signRequestAsync elsewhere)");
  return crypto;
}

const utf8 = new TextEncoder();

let oneShotHash: typeof NodeCrypto.hash | undefined;

/** Lowercase hex SHA-256. Strings are hashed as UTF-8. */
export function sha256Hex(data: string | Uint8Array): string {
  // The function itself is kept: this runs twice per signature, on the signer's hot path.
  oneShotHash ??= nodeCrypto().hash;
  return oneShotHash("sha256", data, "hex");
}

/** Lowercase hex HMAC-SHA256; the key is used as its UTF-8 bytes, as every official SDK does. */
export function hmacSha256Hex(key: string, data: string): string {
  return nodeCrypto().createHmac("sha256", key).update(data).digest("hex");
}

/** The string to sign for a canonical request given as text. */
export function stringToSignOf(sdkDate: string, canonicalRequestText: string): string {
  return SIGNING_ALGORITHM + "\n" + sdkDate + "\n" + sha256Hex(canonicalRequestText);
}

const SHA256_BLOCK = 64;
const SHA256_SIZE = 32;

/**
 * `hmacSha256Hex` with the key bound once: RFC 2104 spelled out over the one-shot
 * `crypto.hash`. `createHmac` rebuilds its key object on every call, which costs more
 * than both digests together for the short strings a signer hashes; a client signs
 * every request with the same SK, so the padded keys are worth keeping.
 */
export function keyedHmacSha256Hex(key: string): (data: string) => string {
  const { hash } = nodeCrypto();
  let k: Uint8Array = utf8.encode(key);
  if (k.length > SHA256_BLOCK) k = hash("sha256", k, "buffer");
  const innerPad = new Uint8Array(SHA256_BLOCK);
  // The outer message is the outer pad followed by the inner digest: the pad is written
  // once, and each call overwrites only the digest. Safe to share, as nothing here
  // yields between that write and the hash that reads it.
  const outer = Buffer.alloc(SHA256_BLOCK + SHA256_SIZE);
  for (let i = 0; i < SHA256_BLOCK; i++) {
    const b = k[i] ?? 0;
    innerPad[i] = b ^ 0x36;
    outer[i] = b ^ 0x5c;
  }
  // With an ASCII key the pad is ASCII too, so the pad as text encodes to the pad's
  // own bytes and the inner message can be hashed as one string without a buffer.
  const innerPadText = innerPad.every((b) => b < 0x80) ? String.fromCharCode(...innerPad) : undefined;
  const innerDigest = (data: string): string =>
    innerPadText !== undefined
      ? hash("sha256", innerPadText + data, "binary")
      : hash("sha256", Buffer.concat([innerPad, utf8.encode(data)]), "binary");
  return (data) => {
    // Digests travel as "binary" (latin1) strings: Node 20's hash() allocates Buffers slowly.
    outer.write(innerDigest(data), SHA256_BLOCK, "binary");
    return hash("sha256", outer, "hex");
  };
}
