/**
 * The canonical query of decoded key/value pairs, computed independently of ours: each key and
 * value encoded by the official Node signer's own encoder (UTF-8, only A-Za-z0-9-_.~ bare),
 * then sorted by encoded key, then encoded value. Our canonicalQuery reads encoded query
 * strings; this is what any spelling of the same pairs must give.
 */
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js";

const officialEncode = (AKSKSigner as unknown as { urlEncode(text: string): string }).urlEncode.bind(AKSKSigner);

const wellFormed = (text: string): string => new TextDecoder().decode(new TextEncoder().encode(text));

export function canonicalQueryOfPairs(pairs: Iterable<readonly [string, string]>): string {
  // USVStrings, as URLSearchParams makes them: a lone surrogate is U+FFFD.
  const encoded = Array.from(pairs, ([key, value]) => [officialEncode(wellFormed(key)), officialEncode(wellFormed(value))] as const);
  encoded.sort(([ka, va], [kb, vb]) => (ka !== kb ? (ka < kb ? -1 : 1) : va < vb ? -1 : va > vb ? 1 : 0));
  return encoded.map(([key, value]) => `${key}=${value}`).join("&");
}
