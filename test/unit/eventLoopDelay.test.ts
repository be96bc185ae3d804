/**
 * The event-loop delay sampler (src/http/eventLoopDelay.ts), driven tick by
 * tick with a hand-held clock: no real time passes.
 */
import { createEventLoopDelay } from '../../src/http/eventLoopDelay';

function harness(windowMs = 1000) {
  let t = 0;
  let tick: (() => void) | null = null;
  let stopped = false;
  const delay = createEventLoopDelay({
    intervalMs: 100,
    windowMs,
    now: () => t,
    schedule: (fn) => {
      tick = fn;
      return () => (stopped = true);
    },
  });
  /** The timer runs `lateMs` after it was due. */
  const runTick = (lateMs = 0) => {
    t += 100 + lateMs;
    (tick as () => void)();
  };
  return { delay, runTick, advance: (ms: number) => (t += ms), stopped: () => stopped };
}

describe('event-loop delay', () => {
  it('is 0 while the timer runs on time', () => {
    const { delay, runTick } = harness();
    for (let i = 0; i < 20; i++) runTick();
    expect(delay.delayMs()).toBe(0);
  });

  it('a stall shows as the timer’s lateness, for one window, then is forgotten', () => {
    const { delay, runTick } = harness(1000);
    runTick();
    runTick(300); // the loop was blocked: the timer ran 300 ms late
    expect(delay.delayMs()).toBe(300);
    for (let i = 0; i < 9; i++) runTick();
    expect(delay.delayMs()).toBe(300); // 900 ms later: still in the window
    runTick();
    runTick();
    expect(delay.delayMs()).toBe(0);
  });

  it('reports the largest lateness of the window', () => {
    const { delay, runTick } = harness();
    runTick(40);
    runTick(250);
    runTick(90);
    expect(delay.delayMs()).toBe(250);
  });

  it('a loop late on every tick is seen all along', () => {
    const { delay, runTick } = harness();
    for (let i = 0; i < 50; i++) {
      runTick(120);
      expect(delay.delayMs()).toBe(120);
    }
  });

  it('stop() stops the timer', () => {
    const { delay, stopped } = harness();
    delay.stop();
    expect(stopped()).toBe(true);
  });
});
