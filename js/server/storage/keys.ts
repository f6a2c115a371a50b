/**
 * Derived match keys. The core decides what matches (its `matchKey`, the
 * full-Unicode lowercase of SPEC sections 7 and 8); here it only becomes
 * bytes the database compares exactly: UTF-8, at most 512 bytes (index
 * limits), cut at a character boundary. A cut key can equal another
 * value's key, so every key lookup is a superset that the core narrows
 * (it compares the real values in the slice).
 */
import { matchKey } from "../core.js";

export const KEY_BYTES = 512;
/** A search key this long or shorter is a prefix of every cut key it is a prefix of (a cut loses at most 3 bytes). */
export const EXACT_PREFIX_BYTES = KEY_BYTES - 4;

/** UTF-8 bytes of `text`, cut to at most `limit` bytes at a character boundary. */
export function cutUtf8(text: string, limit = KEY_BYTES): Buffer {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= limit) return bytes;
  let end = limit;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // back to the first byte of a character
  return bytes.subarray(0, end);
}

/** The stored key of a field value; null when the value is not a string (it never matches). */
export function keyOf(value: unknown): Buffer | null {
  return typeof value === "string" ? cutUtf8(matchKey(value)) : null;
}

/** A key the core already computed (a plan's `email_key`, `search`), as stored bytes. */
export function keyBytes(key: string): Buffer {
  return cutUtf8(key);
}

/**
 * The byte range `[low, high)` of keys that start with `prefix`: UTF-8 never
 * holds the byte 0xFF, so `prefix + 0xFF` is above every key with the prefix
 * and below every larger key without it.
 */
export function prefixRange(prefix: Buffer): { low: Buffer; high: Buffer } {
  return { low: prefix, high: Buffer.concat([prefix, Buffer.from([0xff])]) };
}
