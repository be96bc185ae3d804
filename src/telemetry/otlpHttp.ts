/**
 * Sends export bodies (otlpJson.ts) to the collector: OTLP/HTTP, `POST` with
 * `content-type: application/json`, through an undici pool of its own (the
 * downstream services' pools, breakers and metrics never see it). Failed
 * sends are retried as the OTLP specification and the SDK's exporter do:
 * connection errors and 429/502/503/504, with exponential backoff (1 s,
 * ×1.5, at most 5 s, ±20 % jitter; a Retry-After in seconds is honoured),
 * at most 5 attempts and never past the export's deadline.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { Agent, request } from 'undici';
import type { ExporterSettings } from './exporterSettings';

const gzip = promisify(gzipCallback);

const RETRYABLE = new Set([429, 502, 503, 504]);
const MAX_ATTEMPTS = 5;
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5000;

export class OtlpHttpSender {
  private readonly agent: Agent;
  private readonly headers: Record<string, string>;
  private closed = false;
  private readonly waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(
    private readonly url: string,
    private readonly settings: ExporterSettings,
  ) {
    this.agent = new Agent({ connections: 2, ...(Object.keys(settings.tls).length > 0 ? { connect: settings.tls } : {}) });
    this.headers = { ...settings.headers, 'content-type': 'application/json', ...(settings.gzip ? { 'content-encoding': 'gzip' } : {}) };
  }

  /** Sends one body; resolves undefined once the collector took it, or the error of the last attempt. Never rejects. */
  async send(body: Buffer, deadline: number): Promise<Error | undefined> {
    let payload = body;
    try {
      if (this.settings.gzip) payload = await gzip(body);
    } catch (error) {
      return error as Error;
    }
    let backoff = INITIAL_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      const left = deadline - performance.now();
      if (this.closed || left <= 0) return new Error('the export timed out');
      const { error, retry, retryAfterMs } = await this.attempt(payload, Math.min(this.settings.timeoutMs, left));
      if (!error) return undefined;
      if (!retry || attempt >= MAX_ATTEMPTS) return error;
      const wait = retryAfterMs ?? backoff * (0.8 + 0.4 * Math.random());
      if (performance.now() + wait >= deadline) return error;
      await this.sleep(wait);
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 1.5);
    }
  }

  private async attempt(payload: Buffer, timeoutMs: number): Promise<{ error?: Error; retry?: boolean; retryAfterMs?: number }> {
    try {
      const res = await request(this.url, {
        method: 'POST',
        headers: this.headers,
        body: payload,
        dispatcher: this.agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) return {};
      const after = Number(res.headers['retry-after']);
      return {
        error: new Error(`the collector answered ${res.statusCode}`),
        retry: RETRYABLE.has(res.statusCode),
        ...(Number.isFinite(after) && after >= 0 ? { retryAfterMs: after * 1000 } : {}),
      };
    } catch (error) {
      // Refused, reset, timed out: the collector may be back for the next attempt.
      return { error: error as Error, retry: true };
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wait = { timer: setTimeout(() => this.woken(wait), ms), resolve };
      wait.timer.unref();
      this.waits.add(wait);
    });
  }

  private woken(wait: { timer: NodeJS.Timeout; resolve: () => void }): void {
    this.waits.delete(wait);
    wait.resolve();
  }

  /** Stops retrying (a waiting retry gives up at once) and closes the connections. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wait of this.waits) {
      clearTimeout(wait.timer);
      this.woken(wait);
    }
    await this.agent.close().catch(() => undefined);
  }
}
