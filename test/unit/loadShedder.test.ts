/**
 * The load shedder's decisions (src/http/loadShedding.ts) with a hand-held
 * clock and event-loop delay: the in-flight bound, the delay bound, what
 * /readyz is told, and when an overload counts as persistent.
 */
import { DEFAULT_SHEDDING, type SheddingOptions } from '../../src/config';
import { ACTIVE_GRACE_MS, createLoadShedder, type Admission } from '../../src/http/loadShedding';

function harness(options: Partial<SheddingOptions> = {}) {
  let t = 1000;
  let delay = 0;
  const shedder = createLoadShedder({
    ...DEFAULT_SHEDDING,
    ...options,
    now: () => t,
    eventLoopDelay: { delayMs: () => delay, reset: () => (delay = 0), stop: () => {} },
  });
  return {
    shedder,
    advance: (ms: number) => (t += ms),
    setDelay: (ms: number) => (delay = ms),
  };
}

function admitted(a: Admission): Extract<Admission, { admitted: true }> {
  if (!a.admitted) throw new Error(`refused: ${a.message}`);
  return a;
}

describe('the in-flight bound', () => {
  it('admits up to the bound, refuses the next with the rule, the limit and the count, admits again after a release', () => {
    const { shedder } = harness({ maxInFlight: 3, retryAfterS: 2 });
    const held = [shedder.admit(), shedder.admit(), shedder.admit()].map(admitted);
    expect(shedder.admit()).toEqual({
      admitted: false,
      reason: 'in-flight',
      retryAfterS: 2,
      message: 'The gateway is overloaded: 3 GraphQL requests are in flight and the limit is 3; retry after 2 s.',
    });
    held[0]!.release();
    held[0]!.release(); // a second release does nothing
    expect(shedder.status().inFlight).toBe(2);
    expect(shedder.admit().admitted).toBe(true);
    expect(shedder.admit().admitted).toBe(false);
  });

  it('0 means no bound', () => {
    const { shedder } = harness({ maxInFlight: 0 });
    for (let i = 0; i < 10_000; i++) expect(shedder.admit().admitted).toBe(true);
  });

  it('the default bound admits a burst of 300', () => {
    const { shedder } = harness();
    for (let i = 0; i < 300; i++) expect(shedder.admit().admitted).toBe(true);
    expect(shedder.status().active).toBe(false);
  });
});

describe('the event-loop delay bound', () => {
  it('refuses while the delay is over the bound, naming both', () => {
    const { shedder, setDelay } = harness({ maxEventLoopDelayMs: 500 });
    setDelay(500);
    expect(shedder.admit().admitted).toBe(true); // at the bound is not over it
    setDelay(731.6);
    expect(shedder.admit()).toMatchObject({
      admitted: false,
      reason: 'event-loop-delay',
      message: 'The gateway is overloaded: its event loop is 732 ms behind and the limit is 500 ms; retry after 1 s.',
    });
    setDelay(20);
    expect(shedder.admit().admitted).toBe(true);
  });

  it('0 means no bound', () => {
    const { shedder, setDelay } = harness({ maxEventLoopDelayMs: 0 });
    setDelay(60_000);
    expect(shedder.admit().admitted).toBe(true);
  });
});

describe('what /readyz is told', () => {
  it('active while refusing and for a grace second after the last refusal, with the counts', () => {
    const { shedder, advance } = harness({ maxInFlight: 1 });
    const first = admitted(shedder.admit());
    expect(shedder.admit().admitted).toBe(false);
    first.release();
    expect(shedder.status()).toEqual({
      active: true,
      reason: null,
      inFlight: 0,
      maxInFlight: 1,
      eventLoopDelayMs: 0,
      maxEventLoopDelayMs: DEFAULT_SHEDDING.maxEventLoopDelayMs,
      shedTotal: 1,
      activeForMs: 0,
      persistent: false,
    });
    advance(ACTIVE_GRACE_MS);
    expect(shedder.status()).toMatchObject({ active: false, activeForMs: 0, shedTotal: 1 });
  });

  it('at the bound is one active period however rarely anyone looks', () => {
    const { shedder, advance } = harness({ maxInFlight: 1, unreadyAfterMs: 5000 });
    const held = admitted(shedder.admit());
    advance(3000);
    expect(shedder.status()).toMatchObject({ active: true, reason: 'in-flight', activeForMs: 3000, persistent: false });
    advance(3000);
    expect(shedder.status()).toMatchObject({ active: true, activeForMs: 6000, persistent: true });
    held.release();
    advance(ACTIVE_GRACE_MS);
    expect(shedder.status()).toMatchObject({ active: false, persistent: false });
  });

  it('steady refusals are one period; a break longer than the grace starts a new one', () => {
    const { shedder, advance, setDelay } = harness({ maxEventLoopDelayMs: 100, unreadyAfterMs: 2000 });
    setDelay(400);
    for (let i = 0; i < 5; i++) {
      expect(shedder.admit().admitted).toBe(false);
      advance(500);
    }
    expect(shedder.status()).toMatchObject({ active: true, reason: 'event-loop-delay', eventLoopDelayMs: 400, activeForMs: 2500, persistent: true });
    setDelay(0);
    advance(ACTIVE_GRACE_MS + 1);
    expect(shedder.status().active).toBe(false);
    setDelay(400);
    expect(shedder.admit().admitted).toBe(false);
    expect(shedder.status()).toMatchObject({ active: true, activeForMs: 0, persistent: false });
  });

  it('never persistent when SHED_UNREADY_AFTER_MS is 0 (the default)', () => {
    const { shedder, advance } = harness({ maxInFlight: 1 });
    admitted(shedder.admit());
    advance(3_600_000);
    expect(shedder.status()).toMatchObject({ active: true, persistent: false });
  });
});

describe('starting to serve', () => {
  it("forgets the event-loop delay sampled while the gateway was starting (its own start-up stalls the loop)", () => {
    const { shedder, setDelay } = harness();
    setDelay(1500);
    expect(shedder.admit().admitted).toBe(false);
    shedder.startServing();
    expect(shedder.admit().admitted).toBe(true);
  });
});
