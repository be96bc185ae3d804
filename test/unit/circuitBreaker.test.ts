/**
 * The circuit breaker: open after N consecutive failures, fail fast during the
 * cooldown, one trial call after it, closed again by a success.
 */
import { CircuitBreaker } from '../../src/downstream/circuitBreaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const clock = () => now;

  it('stays closed below the threshold; a success resets the count', () => {
    const breaker = new CircuitBreaker(3, 1000, clock);
    breaker.failure();
    breaker.failure();
    breaker.success();
    breaker.failure();
    breaker.failure();
    expect(breaker.allow()).toBe(true);
    expect(breaker.open).toBe(false);
  });

  it('opens at the threshold, fails fast until the cooldown ends, then lets one trial through', () => {
    now = 0;
    const breaker = new CircuitBreaker(3, 1000, clock);
    for (let i = 0; i < 3; i++) breaker.failure();
    expect(breaker.open).toBe(true);
    expect(breaker.allow()).toBe(false);
    now = 999;
    expect(breaker.allow()).toBe(false);
    now = 1000;
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(false); // one trial at a time
    breaker.success();
    expect(breaker.open).toBe(false);
    expect(breaker.allow()).toBe(true);
  });

  it('a failed trial opens it for another cooldown', () => {
    now = 0;
    const breaker = new CircuitBreaker(2, 1000, clock);
    breaker.failure();
    breaker.failure();
    now = 1000;
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    now = 1500;
    expect(breaker.allow()).toBe(false);
    now = 2000;
    expect(breaker.allow()).toBe(true);
  });

  it('threshold 0 never opens', () => {
    const breaker = new CircuitBreaker(0, 1000, clock);
    for (let i = 0; i < 100; i++) breaker.failure();
    expect(breaker.allow()).toBe(true);
  });
});
