// 32-bit hashes for consistent hashing: well mixed, allocation-free, and the same on every platform.

/** murmur3's finaliser: every input bit affects every output bit. Returns an unsigned 32-bit integer. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the string's UTF-16 code units, then `mix32`, so keys differing in one digit land far apart. */
export function hashString(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Where the `replica`-th virtual node of ring slot `slot` sits. */
export function pointHash(slot: number, replica: number): number {
  return mix32(Math.imul(slot + 1, 0x9e3779b1) ^ mix32(replica + 0x7f4a7c15));
}
