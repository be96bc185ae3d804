/**
 * Reading a V8 CPU profile (`node --cpu-prof`'s `.cpuprofile`): how much of
 * the sampled time, within given windows, was spent in some code.
 *
 * Why windows: the profile covers the whole life of the process (start-up,
 * module loading, warm-up), and what matters is the cost per request under
 * load. A sample's timestamp is V8's monotonic clock in µs, the clock of
 * `process.hrtime()` in any process on the machine (both CLOCK_MONOTONIC on
 * Linux), so the bench's own timestamps of its load runs select the samples
 * taken during them.
 *
 * Each sample lasts until the next one (as DevTools counts it). A sample is
 * "in" the watched code when its own function is (self time: the watched
 * code's own work), and "under" it when any frame of its stack is (on the
 * stack: an upper bound, since it also counts whatever the watched code
 * calls, including work it merely wraps, such as a request run inside a
 * span).
 *
 * `selfTimeBy` groups the self time of every sampled function by a key of
 * its frame (the function, or its module), for the cold-path profile
 * (profileCold.ts): where a request's CPU goes, not only the watched code's.
 */

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  /** µs, V8's monotonic clock. */
  startTime: number;
  endTime: number;
  /** Node id of each sample. */
  samples: number[];
  /** µs before each sample (the first one from startTime). */
  timeDeltas: number[];
}

/** A span of time on the monotonic clock, in µs. */
export interface ProfileWindow {
  startUs: number;
  endUs: number;
}

export interface WatchedFunction {
  function: string;
  /** Script path or URL, as V8 recorded it. */
  url: string;
  line: number;
  selfMs: number;
}

export interface ProfileShare {
  samples: number;
  /** Sampled time inside the windows. */
  sampledMs: number;
  /** Of which idle (the `(idle)` node): the event loop waiting. */
  idleMs: number;
  /** sampledMs − idleMs: the main thread's CPU (`(program)` and `(garbage collector)` included). */
  busyMs: number;
  /** Time in the watched code's own functions. */
  selfMs: number;
  /** Time with a watched function anywhere on the stack (an upper bound: what it calls counts too). */
  stackMs: number;
  /** Samples with a watched function anywhere on the stack. */
  stackSamples: number;
  /** selfMs ÷ busyMs. */
  shareOfBusy: number;
  /** The watched functions that were sampled, most time first (at most 10). */
  functions: WatchedFunction[];
}

/** Now on the monotonic clock of the profile's timestamps, in µs. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** How much of the time inside `windows` (all of the profile when none are given) was spent in code whose script `watched` names. */
export function profileShare(profile: CpuProfile, watched: (url: string) => boolean, windows: readonly ProfileWindow[] | null = null): ProfileShare {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const own = (id: number) => watched(byId.get(id)?.callFrame.url ?? '');
  const onStack = new Map<number, boolean>();
  const stackWatched = (id: number): boolean => {
    const known = onStack.get(id);
    if (known !== undefined) return known;
    const up = parent.get(id);
    const value = own(id) || (up !== undefined && stackWatched(up));
    onStack.set(id, value);
    return value;
  };
  const inside = (t: number) => windows === null || windows.some((w) => t >= w.startUs && t < w.endUs);
  const selfById = new Map<number, number>();
  let samples = 0;
  let sampled = 0;
  let idle = 0;
  let self = 0;
  let stack = 0;
  let stackSamples = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (!inside(t)) continue;
    const id = profile.samples[i] as number;
    const lasts = i + 1 < profile.samples.length ? (profile.timeDeltas[i + 1] ?? 0) : 0;
    samples++;
    sampled += lasts;
    if (byId.get(id)?.callFrame.functionName === '(idle)') idle += lasts;
    if (own(id)) {
      self += lasts;
      selfById.set(id, (selfById.get(id) ?? 0) + lasts);
    }
    if (stackWatched(id)) {
      stack += lasts;
      stackSamples++;
    }
  }
  const functions = [...selfById]
    .map(([id, us]) => {
      const frame = (byId.get(id) as CpuProfile['nodes'][number]).callFrame;
      return { function: frame.functionName || '(anonymous)', url: frame.url, line: frame.lineNumber + 1, selfMs: us / 1000 };
    })
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, 10);
  const busy = sampled - idle;
  return { samples, sampledMs: sampled / 1000, idleMs: idle / 1000, busyMs: busy / 1000, selfMs: self / 1000, stackMs: stack / 1000, stackSamples, shareOfBusy: busy > 0 ? self / busy : NaN, functions };
}

/** One group of `selfTimeBy`: its key, its self time inside the windows and its samples. */
export interface SelfTime {
  key: string;
  ms: number;
  samples: number;
}

/** Self time inside `windows` (all of the profile when null) grouped by `keyOf` of each sample's own frame, most time first. */
export function selfTimeBy(profile: CpuProfile, keyOf: (frame: CallFrame) => string, windows: readonly ProfileWindow[] | null = null): SelfTime[] {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const groups = new Map<string, SelfTime>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (windows !== null && !windows.some((w) => t >= w.startUs && t < w.endUs)) continue;
    const frame = frames.get(profile.samples[i] as number);
    if (!frame) continue;
    const key = keyOf(frame);
    const lasts = i + 1 < profile.samples.length ? (profile.timeDeltas[i + 1] ?? 0) : 0;
    const group = groups.get(key) ?? { key, ms: 0, samples: 0 };
    group.ms += lasts / 1000;
    group.samples++;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.ms - a.ms);
}
