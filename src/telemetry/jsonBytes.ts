/**
 * JSON written straight into a growing Buffer: what the span writer
 * (otlpJson.ts) builds an export body in, span by span, without making a
 * string per piece on the way. Why: a span is written in the request that
 * ends it, and the strings of a concatenated body were most of what tracing
 * allocated per request (every allocation brings the next scavenge closer,
 * and each scavenge copies every request in flight).
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

  /** Text known to be ASCII and to need no escaping (ids, keys made once, constants). */
  ascii(text: string): void {
    this.ensure(text.length);
    this.used += this.bytes.write(text, this.used, 'latin1');
  }

  byte(b: number): void {
    this.ensure(1);
    this.bytes[this.used++] = b;
  }

  /** A JSON string: quoted as it is when it needs no escaping (the usual case), else through JSON.stringify. */
  string(text: string): void {
    if (plain(text)) {
      this.ensure(text.length + 2);
      const b = this.bytes;
      b[this.used++] = QUOTE;
      this.used += b.write(text, this.used, 'latin1');
      b[this.used++] = QUOTE;
      return;
    }
    const json = JSON.stringify(text);
    this.ensure(json.length * 3);
    this.used += this.bytes.write(json, this.used, 'utf8');
  }

  /** A non-negative integer below 2⁵³, in decimal, without a string for it. */
  digits(n: number): void {
    if (n < 10) {
      this.byte(48 + n);
      return;
    }
    let length = 1;
    for (let p = 10; p <= n; p *= 10) length++;
    this.ensure(length);
    const b = this.bytes;
    let at = this.used + length;
    this.used = at;
    for (let v = n; v > 0; v = Math.floor(v / 10)) b[--at] = 48 + (v % 10);
  }
}

const QUOTE = 0x22;

/** Printable ASCII without `"` or `\`: written into JSON as it is. */
function plain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}
