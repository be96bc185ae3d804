/**
 * Which address a request comes from, for the budgets of clients that are not
 * signed in (rate limits: README "Rate limits and cost budgets").
 *
 * Why it must be this careful: X-Forwarded-For is written by whoever sends
 * the request, and every proxy on the way appends the address it saw. Only
 * the entries our own proxies appended can be believed, so with N trusted
 * proxies the client is the N-th entry from the right, and anything a client
 * puts to the left of it changes nothing. With no trusted proxy (the default)
 * the header is ignored and the socket's address is the client.
 *
 * Addresses are normalised so one client has one name: an IPv4-mapped IPv6
 * address is its IPv4 address, and an IPv6 client is its /64 (one subscriber
 * usually holds a whole /64, and could otherwise take a new budget with every
 * address of it).
 */
import { isIP } from 'node:net';

/** The client's address: `trustedHops` proxies in front of us each appended one X-Forwarded-For entry. */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  const socket = normalise(socketAddress ?? '') ?? 'unknown';
  if (trustedHops <= 0 || forwardedFor === undefined) return socket;
  const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) return socket;
  // Fewer entries than trusted hops: the leftmost is as far as the chain goes (as Express's `trust proxy` does).
  const chosen = entries[Math.max(0, entries.length - trustedHops)] as string;
  // Garbage where a proxy should have written an address: the proxy itself is all we know.
  return normalise(withoutPort(chosen)) ?? socket;
}

/** `1.2.3.4:5678` → `1.2.3.4`, `[2001:db8::1]:443` → `2001:db8::1` (some proxies add the port). */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1] as string;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return v4 ? (v4[1] as string) : entry;
}

function normalise(address: string): string | null {
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1] as string;
  return ipv6Network(address);
}

/** The /64 an IPv6 address is in, e.g. `2001:db8:1:2::/64`. */
function ipv6Network(address: string): string {
  const [head = '', tail] = (address.split('%')[0] as string).toLowerCase().split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  // An embedded IPv4 tail (::1.2.3.4) stands for two groups; it is past the first four anyway.
  const width = (gs: string[]) => gs.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - width(left) - width(right))).fill('0'), ...right];
  return `${all
    .slice(0, 4)
    .map((g) => (g.includes('.') ? '0' : parseInt(g, 16).toString(16)))
    .join(':')}::/64`;
}
