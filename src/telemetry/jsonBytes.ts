/**
 * An export body's bytes, growing as spans end: the batch a span's JSON is
 * copied into (otlpJson.ts, spanBatcher.ts). Why a Buffer rather than a
 * string built up per batch: a batch lives until it is sent, tens or
 * hundreds of milliseconds, and a string that long-lived is copied by every
 * scavenge and then promoted; a Buffer's bytes are outside the JS heap, and
 * each is reused once sent.
 */
export class JsonBytes {
  bytes: Buffer;
  used = 0;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafe(capacity);
  }

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    if (this.used + n <= this.bytes.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + n));
    this.bytes.copy(bigger, 0, 0, this.used);
    this.bytes = bigger;
  }

  /** JSON text, any characters (a span's JSON, otlpJson.ts): one copy, as UTF-8. */
  text(json: string): void {
    this.ensure(json.length * 3);
    this.used += this.bytes.write(json, this.used, 'utf8');
  }

  /** Text known to be ASCII and to need no escaping (ids, keys made once, constants). */
  ascii(text: string): void {
    this.ensure(text.length);
    this.used += this.bytes.write(text, this.used, 'latin1');
  }

  byte(b: number): void {
    this.ensure(1);
    this.bytes[this.used++] = b;
  }
}
