/**
 * The GCRA of the clients' budgets, in process (the Redis script repeats the
 * same arithmetic; test/rateLimit.test.ts checks that they agree), on an
 * injected clock; and who a client is (X-Forwarded-For and TRUST_PROXY).
 */
import type { Budget, Decision } from '../../src/rateLimit/gcra';
import { MemoryLimiter } from '../../src/rateLimit/memoryLimiter';
import { perMinuteBudgets } from '../../src/rateLimit/limiter';
import { clientAddress } from '../../src/http/clientAddress';
import { loadConfig } from '../../src/config';
import type { ServiceUrls } from '../../src/contract/services';

let now = 1_750_000_000_000;
const clock = () => now;
const limiter = (budgets: Budget[], maxEntries?: number) => new MemoryLimiter({ budgets, now: clock, ...(maxEntries ? { maxEntries } : {}) });
const verdict = (decision: Decision | null, name: string) => decision?.verdicts.find((v) => v.budget.name === name);

describe('GCRA, one request budget', () => {
  const budgets = perMinuteBudgets({ requests: 5, cost: null, registrations: null });

  it('spends the whole budget at once, then refuses with the exact wait for one unit (60 s / 5 = 12 s)', () => {
    const l = limiter(budgets);
    for (let i = 1; i <= 5; i++) {
      const d = l.consume('ip:a', { requests: 1, cost: 0 });
      expect(d?.allowed).toBe(true);
      expect(verdict(d, 'requests')).toMatchObject({ used: i, remaining: 5 - i, resetSeconds: 12 * i, retryAfterSeconds: 0 });
    }
    const refused = l.consume('ip:a', { requests: 1, cost: 0 });
    expect(refused?.allowed).toBe(false);
    expect(verdict(refused, 'requests')).toMatchObject({ fits: false, used: 6, remaining: 0, resetSeconds: 60, retryAfterSeconds: 12 });
  });

  it('a refused request changes nothing; time refills one unit per emission interval, never more than the limit', () => {
    const l = limiter(budgets);
    for (let i = 0; i < 5; i++) l.consume('ip:a', { requests: 1, cost: 0 });
    for (let i = 0; i < 3; i++) expect(verdict(l.consume('ip:a', { requests: 1, cost: 0 }), 'requests')?.retryAfterSeconds).toBe(12);
    now += 11_999;
    expect(verdict(l.consume('ip:a', { requests: 1, cost: 0 }), 'requests')?.retryAfterSeconds).toBe(1);
    now += 1;
    expect(l.consume('ip:a', { requests: 1, cost: 0 })?.allowed).toBe(true);
    expect(l.consume('ip:a', { requests: 1, cost: 0 })?.allowed).toBe(false);
    now += 30_000; // 2.5 units back
    expect(verdict(l.consume('ip:a', { requests: 1, cost: 0 }), 'requests')).toMatchObject({ remaining: 1, resetSeconds: 42 });
    now += 10 * 60_000; // idle for ten minutes: still only the limit at once
    let admitted = 0;
    while (l.consume('ip:a', { requests: 1, cost: 0 })?.allowed) admitted++;
    expect(admitted).toBe(5);
  });

  it('each client has its own budget', () => {
    const l = limiter(budgets);
    for (let i = 0; i < 5; i++) l.consume('ip:a', { requests: 1, cost: 0 });
    expect(l.consume('ip:a', { requests: 1, cost: 0 })?.allowed).toBe(false);
    expect(l.consume('user:u-0001', { requests: 1, cost: 0 })?.allowed).toBe(true);
  });

  it('a limit that does not divide the period (7 per minute) still admits exactly 7 at once', () => {
    const l = limiter(perMinuteBudgets({ requests: 7, cost: null, registrations: null }));
    const allowed = Array.from({ length: 8 }, () => l.consume('ip:a', { requests: 1, cost: 0 })?.allowed);
    expect(allowed).toEqual([true, true, true, true, true, true, true, false]);
    now += Math.ceil(60_000 / 7);
    expect(l.consume('ip:a', { requests: 1, cost: 0 })?.allowed).toBe(true);
    expect(l.consume('ip:a', { requests: 1, cost: 0 })?.allowed).toBe(false);
  });
});

describe('GCRA, cost and requests together', () => {
  it('cost is spent per unit: 5000 per minute admits 125 operations of cost 40, then waits 40 × 12 ms', () => {
    const l = limiter(perMinuteBudgets({ requests: null, cost: 5000, registrations: null }));
    for (let i = 0; i < 125; i++) expect(l.consume('ip:a', { requests: 1, cost: 40 })?.allowed).toBe(true);
    const refused = l.consume('ip:a', { requests: 1, cost: 40 });
    expect(verdict(refused, 'cost')).toMatchObject({ fits: false, used: 5040, remaining: 0, retryAfterSeconds: 1 });
    now += 480;
    expect(l.consume('ip:a', { requests: 1, cost: 40 })?.allowed).toBe(true);
  });

  it('operations that cost nothing never exhaust a cost budget', () => {
    const l = limiter(perMinuteBudgets({ requests: null, cost: 10, registrations: null }));
    for (let i = 0; i < 1000; i++) expect(l.consume('ip:a', { requests: 1, cost: 0 })?.allowed).toBe(true);
    expect(verdict(l.consume('ip:a', { requests: 1, cost: 0 }), 'cost')).toMatchObject({ remaining: 10, resetSeconds: 0 });
  });

  it('one step for every budget: a request refused by one budget is charged to none', () => {
    const l = limiter(perMinuteBudgets({ requests: 5, cost: 100, registrations: null }));
    expect(l.consume('ip:a', { requests: 1, cost: 60 })?.allowed).toBe(true);
    const refused = l.consume('ip:a', { requests: 1, cost: 60 });
    expect(refused?.allowed).toBe(false);
    expect(verdict(refused, 'requests')).toMatchObject({ fits: true, remaining: 4 });
    expect(verdict(refused, 'cost')).toMatchObject({ fits: false, remaining: 40, retryAfterSeconds: 12 });
    expect(verdict(l.consume('ip:a', { requests: 1, cost: 0 }), 'requests')?.remaining).toBe(3);
  });

  it('an operation costing more than the whole budget can never run (no Retry-After)', () => {
    const l = limiter(perMinuteBudgets({ requests: 5, cost: 100, registrations: null }));
    const refused = l.consume('ip:a', { requests: 1, cost: 150 });
    expect(verdict(refused, 'cost')).toMatchObject({ fits: false, retryAfterSeconds: null });
    expect(verdict(l.consume('ip:a', { requests: 1, cost: 0 }), 'requests')?.remaining).toBe(4);
  });

  it('the registrations budget is consulted only by registrations', () => {
    const l = limiter(perMinuteBudgets({ requests: null, cost: null, registrations: 2 }));
    expect(l.consume('ip:a', { requests: 1, cost: 0 })).toBeNull();
    expect(l.consume('ip:a', { requests: 1, cost: 0, registrations: 1 })?.allowed).toBe(true);
    expect(l.consume('ip:a', { requests: 1, cost: 0, registrations: 1 })?.allowed).toBe(true);
    expect(verdict(l.consume('ip:a', { requests: 1, cost: 0, registrations: 1 }), 'registrations')).toMatchObject({ fits: false, used: 3, retryAfterSeconds: 30 });
    expect(l.consume('ip:a', { requests: 1, cost: 0 })).toBeNull();
  });

  it('no budget configured: nothing to decide', () => {
    expect(limiter([]).consume('ip:a', { requests: 1, cost: 5 })).toBeNull();
  });

  it('memory is bounded: past maxEntries the least recently seen client is forgotten', () => {
    const l = limiter(perMinuteBudgets({ requests: 1, cost: null, registrations: null }), 3);
    for (let i = 0; i < 10; i++) l.consume(`ip:10.0.0.${i}`, { requests: 1, cost: 0 });
    expect(l.size).toBe(3);
    expect(l.consume('ip:10.0.0.9', { requests: 1, cost: 0 })?.allowed).toBe(false);
    expect(l.consume('ip:10.0.0.0', { requests: 1, cost: 0 })?.allowed).toBe(true);
  });
});

describe('clientAddress', () => {
  it('TRUST_PROXY off: X-Forwarded-For is ignored, the socket is the client', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.7', 0)).toBe('127.0.0.1');
    expect(clientAddress('::ffff:127.0.0.1', undefined, 0)).toBe('127.0.0.1');
  });

  it('one trusted proxy: the rightmost entry is the client, whatever the client put to its left', () => {
    expect(clientAddress('10.0.0.2', '203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', '6.6.6.6, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', ['6.6.6.6', '203.0.113.7'], 1)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
  });

  it('N hops: the N-th from the right; fewer entries: the leftmost', () => {
    expect(clientAddress('10.0.0.2', '6.6.6.6, 203.0.113.7, 10.0.0.1', 2)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', '203.0.113.7', 3)).toBe('203.0.113.7');
  });

  it('ports are dropped; garbage falls back to the socket; IPv6 clients are their /64', () => {
    expect(clientAddress('10.0.0.2', '203.0.113.7:4711', 1)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', '[2001:db8::1]:443', 1)).toBe('2001:db8:0:0::/64');
    expect(clientAddress('10.0.0.2', 'not-an-address', 1)).toBe('10.0.0.2');
    expect(clientAddress('2001:db8:1:2:3:4:5:6', undefined, 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('2001:DB8:1:2::9', undefined, 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('fe80::1%eth0', undefined, 0)).toBe('fe80:0:0:0::/64');
    expect(clientAddress('::1', undefined, 0)).toBe('0:0:0:0::/64');
    expect(clientAddress(undefined, undefined, 0)).toBe('unknown');
  });
});

describe('configuration', () => {
  const load = (env: NodeJS.ProcessEnv) => loadConfig(env, {} as ServiceUrls);

  it('defaults: request and cost budgets off, 30 registrations a minute of at most 16384 bytes, X-Forwarded-For ignored', () => {
    const config = load({});
    expect(config.rateLimits).toEqual({ requestsPerMinute: null, costPerMinute: null, apqRegistrationsPerMinute: 30, apqMaxBytes: 16384 });
    expect(config.trustProxyHops).toBe(0);
  });

  it('reads every variable; 0 turns a budget off; TRUST_PROXY takes true, false or a hop count', () => {
    const config = load({ RATE_LIMIT_PER_MINUTE: '100', COST_LIMIT_PER_MINUTE: '5000', APQ_REGISTRATIONS_PER_MINUTE: '0', APQ_MAX_BYTES: '4096', TRUST_PROXY: 'true' });
    expect(config.rateLimits).toEqual({ requestsPerMinute: 100, costPerMinute: 5000, apqRegistrationsPerMinute: null, apqMaxBytes: 4096 });
    expect(config.trustProxyHops).toBe(1);
    expect(load({ TRUST_PROXY: '2' }).trustProxyHops).toBe(2);
    expect(load({ TRUST_PROXY: 'false' }).trustProxyHops).toBe(0);
    expect(() => load({ TRUST_PROXY: '10.0.0.0/8' })).toThrow('TRUST_PROXY must be true, false or a number of proxies; received "10.0.0.0/8".');
    expect(() => load({ RATE_LIMIT_PER_MINUTE: '-1' })).toThrow('RATE_LIMIT_PER_MINUTE must be a non-negative integer');
  });
});
