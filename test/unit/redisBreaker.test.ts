/**
 * Redis's breaker as a state machine, on a clock the test moves: open after
 * N consecutive round trips without an answer, nothing sent during the
 * cooldown, one trial after it, closed again by an answer. The breaker
 * wrapped around a real frozen Redis is tested in test/redisBreaker.test.ts.
 */
import { ReplyError } from 'ioredis';
import { pipelineAnswered, RedisBreaker, RedisBreakerOpenError } from '../../src/cache/redisBreaker';

const timeout = () => Promise.reject(new Error('Command timed out'));
const answer = () => Promise.resolve('OK');

function setUp(threshold = 3, cooldownMs = 5000) {
  let now = 1_000_000;
  const changes: boolean[] = [];
  const breaker = new RedisBreaker({ threshold, cooldownMs, now: () => now });
  breaker.onChange((open) => changes.push(open));
  let sent = 0;
  const send = (result: () => Promise<string>) => () => {
    sent++;
    return result();
  };
  return { breaker, changes, sent: () => sent, send, advance: (ms: number) => void (now += ms), now: () => now };
}

async function fail(breaker: RedisBreaker, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await expect(breaker.run(timeout)).rejects.toThrow('Command timed out');
}

describe('RedisBreaker', () => {
  it('stays closed below the threshold; an answer resets the count', async () => {
    const { breaker, changes } = setUp();
    await fail(breaker, 2);
    expect(breaker.state()).toMatchObject({ phase: 'closed', consecutiveFailures: 2 });
    await breaker.run(answer);
    await fail(breaker, 2);
    expect(breaker.state()).toEqual({ phase: 'closed', openSince: null, consecutiveFailures: 2, trialInFlight: false });
    expect(breaker.allows).toBe(true);
    expect(changes).toEqual([]);
  });

  it('opens at the threshold and sends nothing until the cooldown is over, then one trial; an answer closes it', async () => {
    const { breaker, changes, send, sent, advance, now } = setUp();
    await fail(breaker, 3);
    const openedAt = now();
    expect(breaker.open).toBe(true);
    expect(breaker.allows).toBe(false);
    expect(breaker.state()).toEqual({ phase: 'open', openSince: openedAt, consecutiveFailures: 3, trialInFlight: false });
    expect(changes).toEqual([true]);

    await expect(breaker.run(send(answer))).rejects.toBeInstanceOf(RedisBreakerOpenError);
    advance(4999);
    await expect(breaker.run(send(answer))).rejects.toBeInstanceOf(RedisBreakerOpenError);
    expect(sent()).toBe(0);

    advance(1);
    expect(breaker.state().phase).toBe('half-open');
    expect(breaker.allows).toBe(true);
    let release!: (value: string) => void;
    const trial = breaker.run(() => new Promise<string>((resolve) => (release = resolve)));
    // One trial at a time: while it is under way, nothing else is sent.
    expect(breaker.allows).toBe(false);
    expect(breaker.state()).toMatchObject({ phase: 'half-open', trialInFlight: true });
    await expect(breaker.run(send(answer))).rejects.toBeInstanceOf(RedisBreakerOpenError);
    expect(sent()).toBe(0);
    release('OK');
    await expect(trial).resolves.toBe('OK');
    expect(breaker.state()).toEqual({ phase: 'closed', openSince: null, consecutiveFailures: 0, trialInFlight: false });
    expect(changes).toEqual([true, false]);
  });

  it('a failed trial opens it for another cooldown, from the trial (no new change event)', async () => {
    const { breaker, changes, advance, now } = setUp();
    await fail(breaker, 3);
    advance(5000);
    await fail(breaker, 1);
    expect(breaker.state()).toEqual({ phase: 'open', openSince: now(), consecutiveFailures: 4, trialInFlight: false });
    advance(4999);
    expect(breaker.allows).toBe(false);
    advance(1);
    await breaker.run(answer);
    expect(breaker.open).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('a reply error is an answer: Redis is responsive, it never counts against it', async () => {
    const { breaker } = setUp(2);
    for (let i = 0; i < 5; i++) await expect(breaker.run(() => Promise.reject(new ReplyError('WRONGTYPE')))).rejects.toThrow('WRONGTYPE');
    expect(breaker.state()).toMatchObject({ phase: 'closed', consecutiveFailures: 0 });
  });

  it('a pipeline counts as one round trip, answered unless a command got no reply', async () => {
    const { breaker } = setUp(2);
    const pipeline = (results: [Error | null, unknown][]) => breaker.run(() => Promise.resolve(results), pipelineAnswered);
    await pipeline([[null, 'v'], [new ReplyError('WRONGTYPE'), null]]);
    expect(breaker.state().consecutiveFailures).toBe(0);
    await pipeline([[null, 'v'], [new Error('Command timed out'), null]]);
    expect(breaker.state().consecutiveFailures).toBe(1);
    await pipeline([[new Error('Command timed out'), null], [new Error('Command timed out'), null]]);
    expect(breaker.open).toBe(true);
  });

  it('ignores what round trips sent before it opened say afterwards', async () => {
    const { breaker, advance } = setUp();
    let late!: (value: string) => void;
    const before = breaker.run(() => new Promise<string>((resolve) => (late = resolve)));
    await fail(breaker, 3);
    late('OK');
    await before;
    expect(breaker.open).toBe(true); // only the trial closes it
    advance(5000);
    expect(breaker.state()).toMatchObject({ phase: 'half-open', consecutiveFailures: 3 });
  });

  it('a connection that is ready again has answered: answered() closes it at once', async () => {
    const { breaker, changes } = setUp();
    await fail(breaker, 3);
    breaker.answered();
    expect(breaker.state()).toEqual({ phase: 'closed', openSince: null, consecutiveFailures: 0, trialInFlight: false });
    expect(changes).toEqual([true, false]);
  });

  it('threshold 0 turns it off: it never opens', async () => {
    const { breaker, changes } = setUp(0);
    await fail(breaker, 20);
    expect(breaker.open).toBe(false);
    expect(breaker.allows).toBe(true);
    expect(changes).toEqual([]);
  });
});
