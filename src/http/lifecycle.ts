/**
 * Where an instance is in its life: starting (not yet serving), serving, or
 * draining (shutting down). Readiness answers from it, and responses during
 * the drain carry `Connection: close`, so keep-alive clients reconnect to an
 * instance that stays.
 */
export type Phase = 'starting' | 'serving' | 'draining';

export class Lifecycle {
  private current: Phase = 'starting';
  private readonly listeners: (() => void)[] = [];

  get phase(): Phase {
    return this.current;
  }

  get draining(): boolean {
    return this.current === 'draining';
  }

  /** Listening, and everything built: readiness may say yes. */
  serving(): void {
    if (this.current === 'starting') this.current = 'serving';
  }

  /** From now on: unready, and every response closes its connection. */
  drain(): void {
    if (this.current === 'draining') return;
    this.current = 'draining';
    for (const listener of this.listeners.splice(0)) listener();
  }

  onDrain(listener: () => void): void {
    this.listeners.push(listener);
  }
}
