/**
 * REDIS_URL and REDIS_CLUSTER (src/config/load.ts), checked at start-up, and
 * the cluster's key slots (src/redis/keySlot.ts) against the values the
 * cluster specification gives (redisCluster.test.ts compares many more with
 * a real cluster's CLUSTER KEYSLOT).
 */
import { loadConfig } from '../../src/config';
import type { ServiceUrls } from '../../src/contract/services';
import { keySlot } from '../../src/redis/keySlot';

const cache = (env: NodeJS.ProcessEnv) => loadConfig(env, {} as ServiceUrls).cache;

describe('the Redis settings', () => {
  it('default to no Redis, not a cluster', () => {
    expect(cache({})).toMatchObject({ redisUrl: null, redisCluster: false });
  });

  it('take one URL, or with REDIS_CLUSTER=true a comma list of seed nodes', () => {
    expect(cache({ REDIS_URL: 'rediss://:secret@redis:6379' })).toMatchObject({ redisUrl: 'rediss://:secret@redis:6379', redisCluster: false });
    expect(cache({ REDIS_URL: 'redis://10.0.0.1:7001, redis://10.0.0.2:7002,', REDIS_CLUSTER: 'true' })).toMatchObject({
      redisUrl: 'redis://10.0.0.1:7001,redis://10.0.0.2:7002',
      redisCluster: true,
    });
  });

  it('refuse several URLs without REDIS_CLUSTER, and anything but redis:// or rediss://, saying what was received', () => {
    expect(() => cache({ REDIS_URL: 'redis://a:7001,redis://b:7002' })).toThrow(
      'REDIS_URL holds 2 URLs, which only a Redis Cluster takes: set REDIS_CLUSTER=true, or give one URL; received "redis://a:7001,redis://b:7002".',
    );
    expect(() => cache({ REDIS_URL: 'redis://a:7001,http://b:7002', REDIS_CLUSTER: 'true' })).toThrow(
      'REDIS_URL takes redis:// or rediss:// URLs, comma-separated; received "http://b:7002".',
    );
    expect(() => cache({ REDIS_URL: '127.0.0.1:6379' })).toThrow('REDIS_URL takes redis:// or rediss:// URLs; received "127.0.0.1:6379".');
  });
});

describe('key slots', () => {
  it('are CRC16/XMODEM modulo 16384 of the key, or of its non-empty hash tag', () => {
    expect(keySlot('123456789')).toBe(0x31c3); // the specification's check value
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('{user1000}.followers')).toBe(keySlot('{user1000}.following'));
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar')); // an empty first tag: the whole key
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'));
  });
});
