/**
 * Reading settings from the environment: each reader names the variable,
 * falls back to the documented default when it is unset or empty, and fails
 * at start-up (never per request) with the rule and the value received when
 * it is malformed.
 */

export function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer; received ${JSON.stringify(raw)}.`);
  }
  return value;
}

/**
 * A comma list of exact origins (`https://shop.example.com,http://localhost:3000`),
 * each as a browser sends it in `Origin`: scheme, host, port only, lowercase.
 */
export function originList(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    let origin: string | null = null;
    try {
      origin = new URL(entry).origin;
    } catch {
      // reported below
    }
    if (origin !== entry || !/^https?:/.test(entry) || entry.includes('*')) {
      throw new Error(
        `${name} takes exact origins (scheme://host[:port], no path, no wildcard); received ${JSON.stringify(entry)}` +
          `${origin && origin !== 'null' ? `; did you mean ${origin}?` : '.'}`,
      );
    }
    return entry;
  });
}

export function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw === 'true' || raw === '1';
}

/** A per-minute budget: unset = `fallback`, 0 = none. */
export function budget(env: NodeJS.ProcessEnv, name: string, fallback: number | null): number | null {
  return env[name] === undefined || env[name] === '' ? fallback : integer(env, name, 0) || null;
}

/** TRUST_PROXY: `false`/`0`/unset = 0 hops, `true` = 1, or a hop count. */
export function trustProxy(env: NodeJS.ProcessEnv): number {
  const raw = env.TRUST_PROXY;
  if (raw === undefined || raw === '' || raw === 'false') return 0;
  if (raw === 'true') return 1;
  if (!/^\d+$/.test(raw)) throw new Error(`TRUST_PROXY must be true, false or a number of proxies; received ${JSON.stringify(raw)}.`);
  return Number(raw);
}

export function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw)) {
    throw new Error(`${name} must be one of ${values.join(', ')}; received ${JSON.stringify(raw)}.`);
  }
  return raw as T;
}

/** A number from 0 to 1 (a share). */
export function ratio(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`${name} must be a number from 0 to 1; received ${JSON.stringify(raw)}.`);
  return value;
}
