/**
 * The span of one Redis pipeline (cache/redisTier.ts): one round trip, named
 * after what the cache does with it (`redis read`, `redis write`, `redis
 * evict`, `redis lock`, `redis unlock`), with the number of commands it
 * carries. Keys are left out: they name users' order pages.
 */
import { ATTR_DB_OPERATION_BATCH_SIZE, ATTR_DB_OPERATION_NAME, ATTR_DB_SYSTEM_NAME } from '@opentelemetry/semantic-conventions';
import type { Context } from '@opentelemetry/api';
import type { Tracing } from './tracing';

export type PipelineUse = 'read' | 'write' | 'evict' | 'lock' | 'unlock';

export function tracedPipeline<T>(tracing: Tracing, use: PipelineUse, commands: number, parent: Context | undefined, run: () => Promise<T>): Promise<T> {
  return tracing.span(
    `redis ${use}`,
    { [ATTR_DB_SYSTEM_NAME]: 'redis', [ATTR_DB_OPERATION_NAME]: 'PIPELINE', [ATTR_DB_OPERATION_BATCH_SIZE]: commands, 'bff.redis.use': use },
    parent,
    run,
  );
}
