/**
 * The fleet's budgets in Redis: one Lua script checks and charges every
 * budget of a client in one EVALSHA, so two instances admitting the same
 * client at the same moment can never both spend its last unit.
 *
 * - Keys: `<prefix>ratelimit:{<client>}:<budget>`, one TAT per budget; the
 *   hash tag puts a client's keys in one Redis Cluster slot, as one script
 *   call needs: on a cluster the script runs on the master of that slot. Each key expires when its budget is whole again, so an idle
 *   client costs Redis nothing.
 * - Time: the caller's clock (`now` in ARGV), not Redis TIME: every instance
 *   already runs on synchronised clocks, and tests inject theirs.
 * - The script is gcra.ts `step` line for line (same operations on the same
 *   doubles), and returns the offsets that `verdicts` turns into a decision.
 *
 * Its own ioredis client (redis/connection.ts: one Redis or a cluster), with
 * the cache's resilience options: bounded command timeout, no offline queue,
 * no retries per request, reconnection with back-off. A failure is thrown to the caller
 * (limiter.ts), which falls back to the in-process limiter.
 *
 * And the cache's breaker (cache/redisBreaker.ts), shared: it is the same
 * server, so a frozen Redis noticed by the cache's timeouts or by these makes
 * `ready` false here too, and the limiter falls back at once instead of
 * paying the command timeout on every request.
 */
import { RedisBreaker } from '../cache/redisBreaker';
import { createClient, isReady, onReady, type RedisClient, type RedisTarget } from '../redis/connection';
import { applicable, MICROS_PER_MS, verdicts, type Budget, type Charge, type Decision, type Offsets } from './gcra';

export interface RedisLimiterOptions {
  /** REDIS_URL and REDIS_CLUSTER (the cache's). */
  target: RedisTarget;
  /** Key prefix shared by the fleet (the cache's, e.g. `bff:`). */
  prefix: string;
  /** Longest a call may take before the caller falls back. The cache's REDIS_COMMAND_TIMEOUT_MS (50 ms). */
  commandTimeoutMs: number;
  /** The breaker of this Redis, shared with the cache's client (RedisTier.breaker). Default: none (always tried). */
  breaker?: RedisBreaker;
  budgets: readonly Budget[];
}

/**
 * KEYS: one per budget, all under the client's hash tag.
 * ARGV[1]: now (µs); then per budget: period (µs), limit, quantity.
 * Returns { allowed (1/0), then per budget: base − now, candidate − now } (µs).
 */
const GCRA = `
local now = tonumber(ARGV[1])
local out, candidates, allowed = {}, {}, 1
for i = 1, #KEYS do
  local period = tonumber(ARGV[3 * i - 1])
  local quantity = tonumber(ARGV[3 * i + 1])
  local stored = tonumber(redis.call('GET', KEYS[i]) or '')
  local base = now
  if stored and stored > now then base = stored end
  local candidate = math.floor(base + quantity * (period / tonumber(ARGV[3 * i])))
  candidates[i] = candidate
  out[2 * i] = base - now
  out[2 * i + 1] = candidate - now
  if candidate - now > period then allowed = 0 end
end
if allowed == 1 then
  for i = 1, #KEYS do
    if tonumber(ARGV[3 * i + 1]) > 0 then
      local ttl = math.max(1, math.ceil((candidates[i] - now) / 1000))
      redis.call('SET', KEYS[i], string.format('%.0f', candidates[i]), 'PX', ttl)
    end
  end
end
out[1] = allowed
return out`;

type ScriptedRedis = RedisClient & { bffRateLimit(...args: (string | number)[]): Promise<number[]> };

export class RedisLimiter {
  private readonly client: ScriptedRedis;
  private readonly breaker: RedisBreaker;

  constructor(private readonly options: RedisLimiterOptions) {
    this.breaker = options.breaker ?? new RedisBreaker({ threshold: 0, cooldownMs: 0 });
    this.client = createClient(options.target, { commandTimeoutMs: options.commandTimeoutMs }) as ScriptedRedis;
    this.client.defineCommand('bffRateLimit', { lua: GCRA });
    this.client.on('error', () => undefined); // each failure reaches its caller, which falls back
    onReady(this.client, () => this.breaker.answered()); // a new connection answered its ready check
  }

  /** Connected and its breaker closed now; when false the caller uses the in-process limiter without trying. */
  get ready(): boolean {
    return isReady(this.client) && this.breaker.allows;
  }

  /** Checks and charges every budget the charge consults, in one script call; null when none does. Rejects when Redis fails. */
  async consume(client: string, charge: Charge, now: number): Promise<Decision | null> {
    const consulted = applicable(this.options.budgets, charge);
    if (consulted.length === 0) return null;
    const keys = consulted.map(({ budget }) => `${this.options.prefix}ratelimit:{${client}}:${budget.name}`);
    const args = consulted.flatMap(({ budget, quantity }) => [budget.periodMs * MICROS_PER_MS, budget.limit, quantity]);
    const reply = await this.breaker.run(() => this.client.bffRateLimit(keys.length, ...keys, Math.floor(now * MICROS_PER_MS), ...args));
    const offsets: Offsets[] = consulted.map((_, i) => ({ base: Number(reply[2 * i + 1]), candidate: Number(reply[2 * i + 2]) }));
    const allowed = reply[0] === 1;
    return { allowed, verdicts: verdicts(consulted, offsets, allowed), store: 'redis' };
  }

  close(): void {
    this.client.disconnect();
  }
}
