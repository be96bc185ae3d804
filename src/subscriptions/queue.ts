/**
 * One subscription's events on their way to its client: an async iterator
 * over a bounded queue.
 *
 * Why bounded, and why the oldest goes: events arrive when they happen, and
 * the socket takes them as fast as the client reads (graphql-ws waits for
 * each send to be written before it asks for the next event). A client that
 * reads slower than events come, or not at all, would otherwise grow the
 * queue without end. The newest event is the one a client needs most (a
 * product's latest stock), so when the queue is full the oldest is dropped,
 * and counted (`onDrop`), and the others are untouched: each subscription
 * has its own queue.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null;
  private failure: unknown = null;
  private done = false;

  /**
   * @param capacity events kept at most (at least 1)
   * @param onDrop called for each event dropped because the queue was full
   * @param onEnd called once when the iterator ends, however (the feed stops sending to it)
   */
  constructor(
    private readonly capacity: number,
    private readonly onDrop: () => void,
    private readonly onEnd: () => void,
  ) {}

  /** Adds an event: handed to a waiting reader at once, else queued (the oldest dropped when full). */
  push(item: T): void {
    if (this.done || this.failure) return;
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = null;
      resolve({ value: item, done: false });
      return;
    }
    if (this.items.length >= Math.max(1, this.capacity)) {
      this.items.shift();
      this.onDrop();
    }
    this.items.push(item);
  }

  /** Ends the iterator with `error` once the queued events are read (the feed was lost). */
  fail(error: unknown): void {
    if (this.done || this.failure) return;
    this.failure = error;
    if (this.waiter && this.items.length === 0) {
      const { reject } = this.waiter;
      this.waiter = null;
      this.end();
      reject(error);
    }
  }

  /** Events waiting to be read. */
  get size(): number {
    return this.items.length;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.failure) {
      const error = this.failure;
      this.end();
      return Promise.reject(error);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.end();
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = null;
      resolve({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    this.onEnd();
  }
}
