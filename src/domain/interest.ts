/**
 * Who still waits for a load: the request for sure, or only a prefetch that
 * may turn out to be for nothing.
 *
 * Critical-path prefetch (resolvers/prefetch.ts) starts an object's id-only
 * fields before the object itself has arrived. When the object then turns
 * out missing or failed (its service timed out, the id names nothing), those
 * fields are never resolved, and the calls made for them are waste; when the
 * object's service is slow, they are the calls that pile up behind it. So each
 * prefetch runs in a `PrefetchScope`, abandoned when its object fails (and
 * with it the scopes of the prefetches it started itself), and every key a
 * loader sends downstream records who wants it. A batch whose every key is
 * wanted only by abandoned scopes is never sent, or, if it is out, is
 * cancelled (aborted through undici); a key also wanted by the request's
 * normal resolution keeps its batch whatever happens to the scopes.
 */
import { CallCancelled } from '../downstream/call';

export class PrefetchScope {
  private gone = false;
  private listeners: (() => void)[] | null = null;

  /** A scope abandons itself with its parent: a prefetch started inside a prefetch is for the same object. */
  constructor(parent?: PrefetchScope | null) {
    parent?.onAbandon(() => this.abandon());
  }

  get abandoned(): boolean {
    return this.gone;
  }

  /** The object this prefetch was for is missing or failed: nobody will read what it started. */
  abandon(): void {
    if (this.gone) return;
    this.gone = true;
    const listeners = this.listeners;
    this.listeners = null;
    for (const listener of listeners ?? []) listener();
  }

  onAbandon(listener: () => void): void {
    if (this.gone) listener();
    else (this.listeners ??= []).push(listener);
  }
}

interface KeyInterest {
  /** Wanted by the request's normal resolution: never given up. */
  always: boolean;
  /** The prefetches that want it; null until one does (most keys are the request's own). */
  scopes: Set<PrefetchScope> | null;
  /** The batch the key went out in, once it did. */
  guard?: BatchGuard;
}

/** The interests of one loader's keys in one request. */
export class Interests {
  private readonly byKey = new Map<string, KeyInterest>();

  /** `scope` null: the request itself needs the key. */
  note(key: string, scope: PrefetchScope | null): void {
    let interest = this.byKey.get(key);
    if (!interest) this.byKey.set(key, (interest = { always: false, scopes: null }));
    if (scope === null) interest.always = true;
    else if (!interest.scopes?.has(scope)) {
      (interest.scopes ??= new Set()).add(scope);
      if (interest.guard) scope.onAbandon(interest.guard.check);
    }
  }

  /**
   * The guard of a batch of these keys: its signal aborts once none of them
   * is wanted any more; `abandoned` when none already is (then it need not go
   * out at all); no signal when one of them is wanted by the request itself.
   */
  guard(keys: readonly string[]): BatchGuard {
    return new BatchGuard(keys.map((key) => this.byKey.get(key) ?? ALWAYS));
  }
}

/** A key nobody noted: the request's own (a guard never writes to it, since a batch with one is never guarded). */
const ALWAYS: KeyInterest = { always: true, scopes: null };

export class BatchGuard {
  private controller: AbortController | null = null;

  constructor(private readonly interests: KeyInterest[]) {
    if (this.abandoned || interests.some((i) => i.always)) return;
    for (const interest of interests) {
      interest.guard = this;
      for (const scope of interest.scopes ?? []) scope.onAbandon(this.check);
    }
  }

  /** No key of the batch is wanted any more. */
  get abandoned(): boolean {
    return this.interests.every((i) => !i.always && [...(i.scopes ?? [])].every((s) => s.abandoned));
  }

  /** Aborts when the batch is no longer wanted; undefined when it always is. */
  get signal(): AbortSignal | undefined {
    if (this.interests.some((i) => i.always)) return undefined;
    return (this.controller ??= new AbortController()).signal;
  }

  readonly check = (): void => {
    if (this.controller && !this.controller.signal.aborted && this.abandoned) {
      this.controller.abort(new CallCancelled('every object this prefetch was for is missing or failed'));
    }
  };
}

/** Loaders that load on behalf of `scope`: a prefetch's view of its request's loaders. */
export function scopedLoaders<L extends object>(loaders: L, scope: PrefetchScope): L {
  const views = new Map<PropertyKey, unknown>();
  // Only the loaders a prefetched resolver touches get a view (one or two of ten).
  return new Proxy(loaders, {
    get(target, name) {
      let view = views.get(name);
      if (view === undefined) {
        const loader = (target as Record<PropertyKey, { load: Function; loadMany: Function; held: Function; prime: Function }>)[name as string];
        if (!loader || typeof loader !== 'object') return loader;
        view = {
          load: (key: unknown) => loader.load(key, scope),
          loadMany: (keys: unknown[]) => loader.loadMany(keys, scope),
          held: (key: unknown) => loader.held(key),
          prime: (key: unknown, value: unknown) => loader.prime(key, value),
        };
        views.set(name, view);
      }
      return view;
    },
  });
}
