/**
 * Authentication as the API gateway does it, before anything looks at the request:
 * an IAM token in X-Auth-Token, or an SDK-HMAC-SHA256 signature recomputed from the
 * request exactly as it arrived (raw path and query, the received values of the
 * signed headers, the SHA-256 of the received body bytes). It shares the canonical
 * form with the client's signer (../auth/canonical.ts) but never calls the signer:
 * a bug in signing must show up as a rejected request, not be mirrored here.
 *
 * No secret, and no header value that might be one, goes into an error message.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { SIGNING_ALGORITHM, canonicalRequest, parseAuthorization, parseSdkDate, trimHeaderValue } from "../auth/canonical.js";
import { hmacSha256Hex, sha256Hex, stringToSignOf } from "../auth/digest-node.js";
import type { Secret } from "../auth/secret.js";
import { apiErrors } from "./errors.js";

export interface AccessKeyCredential {
  ak: string;
  sk: Secret;
  /** Temporary credentials: the request must carry this X-Security-Token, signed. */
  securityToken: Secret | undefined;
  /** The only project the key may act in; undefined for any. */
  projectId: string | undefined;
}

export interface TokenCredential {
  token: Secret;
  projectId: string | undefined;
  /** Milliseconds since the epoch; undefined for a token that does not expire. */
  expiresAt: number | undefined;
}

/** The request as received, before anything was parsed or normalised. */
interface ReceivedRequest {
  method: string;
  /** `req.url`: raw path and query as sent. */
  rawUrl: string;
  /** Lowercase name → every received value, as `IncomingMessage.headersDistinct`. */
  headers: Readonly<Record<string, readonly string[] | undefined>>;
  /**
   * The received body; undefined for the check made from the headers alone, before the body is
   * read, which refuses what cannot succeed (no or a malformed Authorization, a stale date, an
   * unknown AK, any bad token) so that an unauthenticated body is never buffered.
   */
  body: Uint8Array | undefined;
}

type Caller = { kind: "aksk"; ak: string } | { kind: "token" };

interface GatewayOptions {
  accessKeys: readonly AccessKeyCredential[];
  tokens: readonly TokenCredential[];
  clockSkewMs: number;
  now: () => number;
}

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

// Repeated header lines travel as one value joined by ", ", which is also how fetch
// sends a header appended twice; the signer signs that joined value.
function headerValue(request: ReceivedRequest, name: string): string | undefined {
  const values = request.headers[name];
  return values === undefined ? undefined : values.map(trimHeaderValue).join(", ");
}

function sameSecret(given: string, expected: Secret): boolean {
  return timingSafeEqual(digest(given), digest(expected.reveal()));
}

export class Gateway {
  readonly #accessKeys: Map<string, AccessKeyCredential>;
  readonly #tokens: readonly { digest: Buffer; credential: TokenCredential }[];
  readonly #clockSkewMs: number;
  readonly #now: () => number;

  constructor(options: GatewayOptions) {
    this.#accessKeys = new Map(options.accessKeys.map((c) => [c.ak, c]));
    this.#tokens = options.tokens.map((credential) => ({ digest: digest(credential.token.reveal()), credential }));
    this.#clockSkewMs = options.clockSkewMs;
    this.#now = options.now;
  }

  /** Throws the gateway's ApiError (401, or 403 for another project); returns who called. */
  authenticate(request: ReceivedRequest, projectId: string): Caller {
    const caller = headerValue(request, "x-auth-token") !== undefined ? this.#checkToken(request, projectId) : this.#checkSignature(request, projectId);
    // Signed requests also name their project; a client that sends one project in the URL
    // and another in X-Project-Id has a bug worth reporting.
    const declared = headerValue(request, "x-project-id");
    if (declared !== undefined && declared !== projectId) throw apiErrors.projectMismatch();
    return caller;
  }

  #checkToken(request: ReceivedRequest, projectId: string): Caller {
    const token = headerValue(request, "x-auth-token") ?? "";
    if (token === "") throw apiErrors.tokenEmpty();
    const given = digest(token);
    let match: TokenCredential | undefined;
    // Every configured token is compared, so timing does not tell how many matched a prefix or which.
    for (const candidate of this.#tokens) {
      if (timingSafeEqual(given, candidate.digest)) match = candidate.credential;
    }
    if (match === undefined) throw apiErrors.tokenInvalid();
    if (match.expiresAt !== undefined && this.#now() >= match.expiresAt) throw apiErrors.tokenExpired();
    if (match.projectId !== undefined && match.projectId !== projectId) throw apiErrors.projectMismatch();
    return { kind: "token" };
  }

  #checkSignature(request: ReceivedRequest, projectId: string): Caller {
    const header = headerValue(request, "authorization");
    if (header === undefined || header === "") throw apiErrors.authorizationMissing();
    const auth = parseAuthorization(header);
    if (auth === undefined) throw apiErrors.authorizationMalformed();
    if (auth.algorithm !== SIGNING_ALGORITHM) throw apiErrors.authorizationMalformed(`Only ${SIGNING_ALGORITHM} is supported.`);
    const signed = auth.signedHeaders;
    if (new Set(signed).size !== signed.length) throw apiErrors.authorizationMalformed("SignedHeaders lists a header twice.");
    if (!signed.includes("host") || !signed.includes("x-sdk-date")) {
      throw apiErrors.authorizationMalformed("SignedHeaders must include host and x-sdk-date.");
    }

    const sdkDate = headerValue(request, "x-sdk-date");
    if (sdkDate === undefined) throw apiErrors.signatureExpired("X-Sdk-Date is missing.");
    const date = parseSdkDate(sdkDate);
    if (date === undefined) throw apiErrors.signatureExpired("X-Sdk-Date must be YYYYMMDDTHHMMSSZ in UTC.");
    if (Math.abs(date.getTime() - this.#now()) > this.#clockSkewMs) {
      throw apiErrors.signatureExpired(`X-Sdk-Date is more than ${Math.round(this.#clockSkewMs / 1000)} s away from the server clock.`);
    }

    const credential = this.#accessKeys.get(auth.access);
    if (credential === undefined) throw apiErrors.unknownAccessKey();
    // The signature covers the body's hash: the rest waits for the body.
    if (request.body === undefined) return { kind: "aksk", ak: auth.access };

    const queryAt = request.rawUrl.indexOf("?");
    const canonical = canonicalRequest({
      method: request.method,
      pathname: queryAt === -1 ? request.rawUrl : request.rawUrl.slice(0, queryAt),
      search: queryAt === -1 ? "" : request.rawUrl.slice(queryAt),
      headers: new Map(signed.map((name) => [name, headerValue(request, name) ?? ""])),
      signedHeaders: signed,
      payloadHash: sha256Hex(request.body),
    });
    const expected = Buffer.from(hmacSha256Hex(credential.sk.reveal(), stringToSignOf(sdkDate, canonical)), "hex");
    if (!timingSafeEqual(expected, Buffer.from(auth.signature, "hex"))) throw apiErrors.signatureMismatch();

    // Only a caller who holds the SK gets this far, and every security-token failure
    // answers exactly as a wrong signature does: someone with just the AK cannot tell a
    // right token from a wrong one, nor learn whether the key is temporary.
    const securityToken = headerValue(request, "x-security-token");
    if (securityToken !== undefined && !signed.includes("x-security-token")) throw apiErrors.signatureMismatch();
    const tokenOk =
      credential.securityToken === undefined ? securityToken === undefined : securityToken !== undefined && sameSecret(securityToken, credential.securityToken);
    if (!tokenOk) throw apiErrors.signatureMismatch();

    if (credential.projectId !== undefined && credential.projectId !== projectId) throw apiErrors.projectMismatch();
    return { kind: "aksk", ak: auth.access };
  }
}
