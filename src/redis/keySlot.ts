/**
 * The Redis Cluster hash slot of a key (CRC16/XMODEM of the key, or of its
 * hash tag `{…}`, modulo 16 384), exactly as the cluster specification and
 * `CLUSTER KEYSLOT` compute it (test/unit/keySlot.test.ts compares them).
 *
 * Why our own: the cache splits a level's pipeline by the node that serves
 * each key's slot (connection.ts `byNode`), before ioredis sees it; ioredis's
 * own copy (the `cluster-key-slot` package) is not a dependency of ours.
 */

export const SLOTS = 16_384;

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

/** The slot of `key` (its UTF-8 bytes); a non-empty `{tag}` decides it alone. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  let crc = 0;
  // Keys are ASCII in practice (ids, prefixes): no Buffer for them.
  const bytes = /^[\x00-\x7f]*$/.test(key) ? null : Buffer.from(key, 'utf8');
  const length = bytes ? bytes.length : key.length;
  for (let i = 0; i < length; i++) {
    const byte = bytes ? (bytes[i] as number) : key.charCodeAt(i);
    crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ byte) & 0xff] as number);
  }
  return crc % SLOTS;
}
