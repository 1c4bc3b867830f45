/**
 * Signatures per second: our signRequest against the official Node SDK signer, on the
 * same realistic ModelArts request. Rounds alternate between the two so that a noisy
 * machine (CPU boost, other processes, GC) penalises both alike. Medians are reported,
 * and the ratio is also taken round by round, since the two halves of a round run
 * under the same conditions while separate rounds may not.
 *
 *   npm run bench [-- --rounds 7 --round-ms 500]
 */
import { parseArgs } from "node:util";
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js";
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js";
import { HttpRequestBuilder } from "@huaweicloud/huaweicloud-sdk-core/http/IHttpRequestBuilder.js";
import { signRequestOnNode as signRequest } from "../src/auth/signer-node.js";
import type { SignableRequest } from "../src/auth/signer.js";

const { values: options } = parseArgs({
  options: {
    rounds: { type: "string", default: "7" },
    "round-ms": { type: "string", default: "500" },
  },
});
const rounds = Number(options.rounds);
const roundMs = Number(options["round-ms"]);

const ENDPOINT = "https://modelarts.cn-north-4.myhuaweicloud.com";
const PROJECT_ID = "0b6d9a7f2c4e4d1a8f3b5c7d9e1f2a3b";
const PATH = `/v1/${PROJECT_ID}/data-annotations/282/images/delete`;
const BODY = { samples: [{ sample_id: "4e1a6c0f8d2b4b9e" }, { sample_id: "9c3f5a7e1d2b4c6a" }], delete_source: false };
const HEADERS = {
  "Content-Type": "application/json",
  "X-Project-Id": PROJECT_ID,
  "User-Agent": "modelarts-data-annotations/0.1.0",
};
const AK = "QTWAOYTTINDUT2QVKYUC";
const SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";

// Neither request carries X-Sdk-Date: each signer reads the clock, as it does in use.
const ours: SignableRequest = { method: "POST", url: ENDPOINT + PATH, headers: HEADERS, body: JSON.stringify(BODY) };
const credentials = { ak: AK, sk: SK };

const officialRequest = new HttpRequestBuilder()
  .withEndpoint(ENDPOINT + PATH)
  .withMethod("POST")
  .withHeaders({ ...HEADERS })
  .withData(BODY)
  .build();
const officialCredentials = new BasicCredentials({ ak: AK, sk: SK });

const candidates = {
  "signRequest (ours)": () => signRequest(ours, credentials),
  "AKSKSigner (official)": () => AKSKSigner.sign(officialRequest, officialCredentials),
};
type Name = keyof typeof candidates;

function assertSameSignature(): void {
  const date = "20261115T033655Z";
  const a = signRequest({ ...ours, headers: { ...HEADERS, "X-Sdk-Date": date } }, credentials).Authorization;
  const request = new HttpRequestBuilder()
    .withEndpoint(ENDPOINT + PATH)
    .withMethod("POST")
    .withHeaders({ ...HEADERS, "X-Sdk-Date": date })
    .withData(BODY)
    .build();
  const b = (AKSKSigner.sign(request, officialCredentials) as Record<string, string>).Authorization;
  if (a !== b) throw new Error(`the signers disagree on the bench request:\n  ours:     ${a}\n  official: ${b}`);
}

/** Operations per second over about `ms` milliseconds, in batches to keep timer reads off the profile. */
function measure(fn: () => unknown, ms: number): number {
  const batch = 500;
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (ops / elapsed) * 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

assertSameSignature();
const names = Object.keys(candidates) as Name[];
for (const name of names) measure(candidates[name], roundMs); // warm-up: JIT both before timing either

const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
for (let round = 0; round < rounds; round++) {
  // Alternate who goes first, so neither always runs right after the other's garbage.
  const order = round % 2 === 0 ? names : [...names].reverse();
  for (const name of order) samples[name].push(measure(candidates[name], roundMs));
}

const oursRates = samples["signRequest (ours)"];
const officialRates = samples["AKSKSigner (official)"];
const roundRatios = oursRates.map((x, i) => x / (officialRates[i] as number));

console.log(`POST ${PATH} (${Object.keys(HEADERS).length} headers, ${JSON.stringify(BODY).length}-byte JSON body)`);
console.log(`${rounds} interleaved rounds of ~${roundMs} ms after warm-up; Node ${process.version}\n`);
const nameWidth = Math.max(...names.map((n) => n.length));
console.log(`${"signer".padEnd(nameWidth)}  ${"median ops/s".padStart(12)}  ${"min".padStart(9)}  ${"max".padStart(9)}`);
for (const name of names) {
  const s = samples[name];
  console.log(
    `${name.padEnd(nameWidth)}  ${fmt(median(s)).padStart(12)}  ${fmt(Math.min(...s)).padStart(9)}  ${fmt(Math.max(...s)).padStart(9)}`,
  );
}
console.log(`\nratio ours/official: ${(median(oursRates) / median(officialRates)).toFixed(2)}x of medians, ${median(roundRatios).toFixed(2)}x median per round (target >= 4x)`);
console.log(`per round: ${roundRatios.map((r) => r.toFixed(2)).join(" ")}`);
