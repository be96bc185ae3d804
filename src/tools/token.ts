/**
 * `npm run token -- u-0001 [--ttl 3600]`: prints a development bearer token.
 *
 * Signed with JWT_SECRET, or the built-in development secret the gateway uses
 * when nothing is configured, so a token from here works against `npm start`.
 */
import { DEVELOPMENT_JWT_SECRET } from '../config';
import { developmentToken } from '../context/developmentToken';
import { isUserId } from '../contract/ids';

async function main(argv: string[]): Promise<void> {
  const userId = argv.find((a) => !a.startsWith('--')) ?? 'u-0001';
  const ttlIndex = argv.indexOf('--ttl');
  const ttl = ttlIndex >= 0 ? Number(argv[ttlIndex + 1]) : 3600;
  if (!isUserId(userId)) {
    process.stderr.write(`A user id looks like u-0001; received ${JSON.stringify(userId)}.\n`);
    process.exit(2);
  }
  if (!Number.isInteger(ttl) || ttl <= 0) {
    process.stderr.write(`--ttl takes a positive number of seconds; received ${JSON.stringify(argv[ttlIndex + 1])}.\n`);
    process.exit(2);
  }
  const secret = process.env.JWT_SECRET || DEVELOPMENT_JWT_SECRET;
  process.stdout.write(`${await developmentToken(userId, secret, ttl)}\n`);
}

if (require.main === module) void main(process.argv.slice(2));
