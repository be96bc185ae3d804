/**
 * Signs a development bearer token: HS256 with a shared secret, subject the
 * user id, expiring after `ttlSeconds`. What `npm run token` prints, what the
 * playground presets in development, and what tests sign in with; it verifies
 * against the same secret in auth.ts. Never a way to mint tokens in
 * production, where tokens come from the identity provider.
 */
import { SignJWT } from 'jose';

export async function developmentToken(userId: string, secret: string, ttlSeconds = 3600): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
