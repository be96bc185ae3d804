/**
 * Who a WebSocket connection acts for, for as long as it lives.
 *
 * - `connection_init` carries the bearer token as `{ "authorization":
 *   "Bearer <JWT>" }`, verified exactly as over HTTP (context/auth.ts). A
 *   token that is present but invalid closes the socket with 4401; no token
 *   means an anonymous connection (`myOrderPlaced` then answers
 *   SIGN_IN_REQUIRED).
 * - A signed-in connection ends with its token: when the token's `exp`
 *   passes, the socket is closed with 4403, unless the client has
 *   re-authenticated before: a graphql-ws `ping` whose payload is
 *   `{ "authorization": "Bearer <new JWT>" }`. The new token must verify and
 *   be for the same user (else 4401 or 4403); the `pong` answers
 *   `{ "expiresAt": "<ISO time>" }`, and the connection then lives until the
 *   new token's expiry. An anonymous connection has nothing to renew and
 *   stays anonymous: signing in means a new connection.
 *
 * Close reasons are at most 123 bytes (the WebSocket limit).
 */
import type { VerifyToken } from '../context/auth';
import type { Viewer } from '../domain/viewer';
import type { TimerHandle, Timers } from './timers';

/** Close codes of the gateway's own (graphql-ws's are 4400, 4406, 4408, 4409, 4429, 4500). */
export const CloseCode = {
  /** connection_init (or a re-authentication) carried a token that does not verify. */
  Unauthorized: 4401,
  /** The token expired without a re-authentication, or a re-authentication named another user. */
  Forbidden: 4403,
  /** The instance is shutting down: reconnect, a load balancer sends the client to another instance. */
  GoingAway: 1001,
} as const;

export type AuthResult = { ok: true } | { ok: false; code: number; reason: string };

export class ConnectionAuth {
  private current: Viewer | null = null;
  private expiresAtMs: number | null = null;
  private expiry: TimerHandle | null = null;

  /** @param onExpired closes the socket (4403) when the token runs out */
  constructor(
    private readonly verify: VerifyToken,
    private readonly timers: Timers,
    private readonly onExpired: (code: number, reason: string) => void,
  ) {}

  get viewer(): Viewer | null {
    return this.current;
  }

  /** When the connection's token expires (epoch ms), or null when anonymous. */
  get expiresAt(): number | null {
    return this.expiresAtMs;
  }

  /** Verifies connection_init's payload. */
  async init(payload: unknown): Promise<AuthResult> {
    const authorization = authorizationOf(payload);
    if (authorization === null) return { ok: false, code: CloseCode.Unauthorized, reason: 'The connection_init payload\'s "authorization" must be a string: "Bearer <JWT>".' };
    const verified = await this.check(authorization);
    if (!verified.ok) return verified;
    if (verified.token) this.adopt(verified.token.viewer, verified.token.expiresAtMs);
    return { ok: true };
  }

  /** Verifies a re-authentication (a ping's payload) and moves the expiry to the new token's. */
  async reauthenticate(payload: unknown): Promise<AuthResult> {
    const authorization = authorizationOf(payload);
    if (!authorization) return { ok: false, code: CloseCode.Unauthorized, reason: 'A re-authentication ping\'s payload must carry "authorization": "Bearer <JWT>".' };
    const verified = await this.check(authorization);
    if (!verified.ok) return verified;
    const token = verified.token as NonNullable<typeof verified.token>;
    if (!this.current || token.viewer.userId !== this.current.userId) {
      return { ok: false, code: CloseCode.Forbidden, reason: 'A re-authentication must be for the user the connection was opened for.' };
    }
    this.adopt(token.viewer, token.expiresAtMs);
    return { ok: true };
  }

  /** The connection is closing. */
  stop(): void {
    this.expiry?.cancel();
    this.expiry = null;
  }

  private async check(authorization: string | undefined) {
    try {
      return { ok: true as const, token: await this.verify(authorization) };
    } catch (error) {
      return { ok: false as const, code: CloseCode.Unauthorized, reason: clip((error as Error).message) };
    }
  }

  private adopt(viewer: Viewer, expiresAtMs: number): void {
    this.current = viewer;
    this.expiresAtMs = expiresAtMs;
    this.expiry?.cancel();
    this.expiry = this.timers.after(expiresAtMs - this.timers.now(), () =>
      this.onExpired(CloseCode.Forbidden, 'The bearer token has expired: re-authenticate (ping with a new token) before it does.'),
    );
  }
}

/** The payload's authorization: undefined when absent, null when it is not a string. */
function authorizationOf(payload: unknown): string | undefined | null {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const entry = Object.entries(payload).find(([key]) => key.toLowerCase() === 'authorization');
  if (!entry || entry[1] === undefined || entry[1] === null || entry[1] === '') return undefined;
  return typeof entry[1] === 'string' ? entry[1] : null;
}

/** A close reason fits in 123 bytes. */
export function clip(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let cut = reason.slice(0, 120);
  while (Buffer.byteLength(`${cut}…`) > 123) cut = cut.slice(0, -1);
  return `${cut}…`;
}
