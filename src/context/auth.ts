/**
 * Who is asking: verifies the bearer token and yields the user id.
 *
 * Why so strict: downstream services trust `x-user-id` and nothing else, so
 * this file is the whole of the storefront's authentication. Tokens are
 * verified with jose against an explicit algorithm allow-list (HS256 for a
 * shared secret; RS256, ES256, EdDSA for a JWKS), so `alg: none` and
 * algorithm-confusion tokens fail; `exp` is required and enforced; issuer and
 * audience are checked when configured; `sub` must be a user id of the
 * contract's pattern.
 *
 * No token means an anonymous request (`me` is null, mutations answer
 * NotSignedIn). A token that is present but invalid is rejected with 401
 * UNAUTHENTICATED, so a client with an expired session learns it must sign in
 * again instead of silently seeing an anonymous shop.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { AuthOptions } from '../config';
import { isUserId } from '../contract/ids';
import type { Viewer } from '../domain/viewer';
import { unauthenticated } from '../errors/catalogue';

export type Authenticate = (authorization: string | undefined) => Promise<Viewer | null>;

/** A verified token: who it proves, and until when (ms since epoch, its `exp`). */
export interface VerifiedToken {
  viewer: Viewer;
  expiresAtMs: number;
}

/** Like `Authenticate`, with the token's expiry: a long-lived connection must end when its token does. */
export type VerifyToken = (authorization: string | undefined) => Promise<VerifiedToken | null>;

const SYMMETRIC_ALGORITHMS = ['HS256'];
const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];
const MAX_TOKEN_LENGTH = 8192;

export function createAuthenticator(options: AuthOptions): Authenticate {
  return authenticatorOf(createTokenVerifier(options));
}

/** The viewer of what `verify` verifies (one key set for HTTP and WebSocket alike). */
export function authenticatorOf(verify: VerifyToken): Authenticate {
  return async (authorization) => (await verify(authorization))?.viewer ?? null;
}

/** Verifies a bearer token as `createAuthenticator` does, and says when it expires. */
export function createTokenVerifier(options: AuthOptions): VerifyToken {
  const key: Uint8Array | JWTVerifyGetKey = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl))
    : new TextEncoder().encode(options.jwtSecret ?? '');
  const verifyOptions = {
    algorithms: options.jwksUrl ? ASYMMETRIC_ALGORITHMS : SYMMETRIC_ALGORITHMS,
    requiredClaims: ['exp', 'sub'],
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };

  return async (authorization) => {
    if (authorization === undefined || authorization === '') return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthenticated('the Authorization header must be "Bearer <token>"');
    const token = match[1] as string;
    if (token.length > MAX_TOKEN_LENGTH) throw unauthenticated(`the token is longer than ${MAX_TOKEN_LENGTH} characters`);
    let sub: unknown;
    let exp: unknown;
    try {
      const { payload } = await jwtVerify(token, key as Uint8Array, verifyOptions);
      sub = payload.sub;
      exp = payload.exp;
    } catch (error) {
      throw unauthenticated(reason(error));
    }
    if (typeof sub !== 'string' || !isUserId(sub)) {
      throw unauthenticated('its subject must be a user id like u-0001');
    }
    // jose has checked `exp` is present, a number, and in the future.
    return { viewer: { userId: sub }, expiresAtMs: Number(exp) * 1000 };
  };
}

function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'its algorithm is not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (error instanceof errors.JWTClaimValidationFailed) return `its ${error.claim} claim is not valid`;
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'it is not a well-formed JWT';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the key set matches it';
  return 'it could not be verified';
}
