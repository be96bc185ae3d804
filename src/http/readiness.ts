/**
 * `/readyz`: can this instance serve? Answered from state the gateway already
 * keeps (its lifecycle, load shedding, each service's circuit and recent
 * failures, Redis's connection), never from calls made at probe time: a
 * probe that pinged every service would take an instance out of rotation
 * whenever any of them was slow, and one slow optional service would empty
 * the whole fleet.
 *
 * So the status code says whether this instance can serve: 503 only while
 * starting, draining (after SIGTERM) or shedding load persistently. A slow or
 * failing service, or Redis down, shows in the body (`degraded`), and the
 * instance stays in rotation: its requests still succeed, from the cache and
 * the other services, with that service's fields null.
 */
import type { Downstream } from '../downstream';
import type { Lifecycle } from './lifecycle';
import type { LoadShedder } from './loadShedding';

export interface ReadinessSources {
  lifecycle: Lifecycle;
  downstream: Downstream;
  /** Redis's state, or null without REDIS_URL. */
  redis: (() => RedisState) | null;
  shedder: LoadShedder;
}

export type RedisState = 'up' | 'down' | 'breaker open';

export interface Readiness {
  status: number;
  body: Record<string, unknown>;
}

export function readiness(sources: ReadinessSources): Readiness {
  const { lifecycle, downstream, redis, shedder } = sources;
  const services = downstream.health();
  const redisState = redis ? redis() : 'not configured';
  const shedding = shedder.status();
  const unready = lifecycle.phase !== 'serving' ? lifecycle.phase : shedding.persistent ? 'overloaded' : null;
  const degraded = Object.values(services).some((s) => s.status !== 'ok') || (redis !== null && redisState !== 'up');
  return {
    status: unready ? 503 : 200,
    body: { status: unready ?? (degraded ? 'degraded' : 'ready'), downstream: services, redis: redisState, shedding },
  };
}
