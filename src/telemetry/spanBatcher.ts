/**
 * Finished spans on their way out, batched as the SDK's BatchSpanProcessor
 * batches them: at most `maxQueueSize` waiting (a span that finds the queue
 * full is dropped and counted), exported `maxExportBatchSize` at a time, one
 * export request in flight, the first span of an empty queue arming a timer
 * of `scheduleDelayMs`, a full batch exporting at once.
 *
 * Why each span is written out as it ends, into the bytes of its batch's
 * body, rather than queued as an object: a queued span lives until its
 * batch is exported, tens or hundreds of milliseconds, long enough for the
 * garbage collector to copy it (its attributes, names and ids) out of the
 * young generation and then promote it, which at full sampling is most of
 * what tracing costs a request. Written at once, everything a span
 * allocated dies young with its request, and a batch is one Buffer outside
 * the JS heap, reused once sent. Sending (and gzip) happens in a timer or an
 * immediate callback, never in `span.end()`.
 */
import type { BatchSettings } from './exporterSettings';
import { JsonBytes } from './jsonBytes';
import type { OtlpJsonWriter } from './otlpJson';
import type { OtlpHttpSender } from './otlpHttp';
import type { RecordedSpan, SpanSink } from './recordedSpan';

/** Told of each export that failed, with its error. */
export type ExportFailed = (error: Error) => void;

/** A batch's body so far: head, spans, comma-separated; the tail is added as it goes. */
interface Batch {
  out: JsonBytes;
  spans: number;
}

/** A batch's first buffer; one that outgrows it gets one twice as large. */
const BATCH_BYTES = 256 * 1024;
/** Sent buffers kept for the next batches (those no larger than 4 × BATCH_BYTES). */
const SPARE_BUFFERS = 4;

export class SpanBatcher implements SpanSink {
  private current: Batch | null = null;
  /** Full batches waiting for the export in flight. */
  private readonly full: Batch[] = [];
  private queued = 0;
  private readonly spare: JsonBytes[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private exporting: Promise<void> | null = null;
  /** Spans dropped because the queue was full (as the SDK, they are only counted). */
  dropped = 0;

  constructor(
    private readonly settings: BatchSettings,
    private readonly scheduleDelayMs: number,
    private readonly writer: OtlpJsonWriter,
    private readonly sender: OtlpHttpSender,
    private readonly failed: ExportFailed,
  ) {}

  ended(span: RecordedSpan): void {
    if (this.queued >= this.settings.maxQueueSize) {
      this.dropped++;
      return;
    }
    const batch = (this.current ??= this.newBatch());
    if (batch.spans > 0) batch.out.byte(0x2c); // ','
    this.writer.span(batch.out, span);
    batch.spans++;
    this.queued++;
    if (batch.spans >= this.settings.maxExportBatchSize) {
      this.full.push(batch);
      this.current = null;
      if (this.immediate === undefined && this.exporting === null) this.immediate = setImmediate(this.onTime);
    } else if (this.timer === undefined) {
      this.timer = setTimeout(this.onTime, this.scheduleDelayMs);
      this.timer.unref();
    }
  }

  /** Exports every span queued so far; resolves once they are sent (or failed). */
  async flush(): Promise<void> {
    this.disarm();
    while (this.exporting) await this.exporting;
    if (this.current) {
      this.full.push(this.current);
      this.current = null;
    }
    if (this.full.length > 0) await this.exportFull();
  }

  /** Stops the timer and exports what is queued; the sender is closed after. */
  async shutdown(): Promise<void> {
    await this.flush();
    await this.sender.close();
  }

  private newBatch(): Batch {
    const out = this.spare.pop() ?? new JsonBytes(BATCH_BYTES);
    out.used = 0;
    out.text(this.writer.head);
    return { out, spans: 0 };
  }

  private readonly onTime = (): void => {
    this.disarm();
    if (this.exporting !== null) return;
    if (this.current) {
      this.full.push(this.current);
      this.current = null;
    }
    if (this.full.length > 0) void this.exportFull();
  };

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  /** One export request at a time, until no full batch waits. What is left in `current` arms the timer again. */
  private exportFull(): Promise<void> {
    const run = (async () => {
      for (let batch = this.full.shift(); batch; batch = this.full.shift()) {
        const { out } = batch;
        out.ascii(this.writer.tail);
        const error = await this.sender.send(out.bytes.subarray(0, out.used), performance.now() + this.settings.exportTimeoutMs);
        this.queued -= batch.spans;
        if (this.spare.length < SPARE_BUFFERS && out.bytes.length <= 4 * BATCH_BYTES) this.spare.push(out);
        if (error) this.failed(error);
      }
    })().finally(() => {
      this.exporting = null;
      if (this.full.length > 0 && this.immediate === undefined) this.immediate = setImmediate(this.onTime);
      else if (this.current && this.timer === undefined && this.immediate === undefined) {
        this.timer = setTimeout(this.onTime, this.scheduleDelayMs);
        this.timer.unref();
      }
    });
    this.exporting = run;
    return run;
  }
}
