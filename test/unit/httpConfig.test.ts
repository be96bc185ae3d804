/**
 * The `http` section of the configuration (src/config.ts): its defaults, its
 * environment variables, and the settings refused at start-up.
 */
import { DEFAULT_HTTP, loadConfig } from '../../src/config';
import { checkIntervalMs } from '../../src/http/serverLimits';
import type { ServiceUrls } from '../../src/contract/services';

const services = {} as ServiceUrls;
const http = (env: NodeJS.ProcessEnv) => loadConfig(env, services).http;

describe('the http settings', () => {
  it('default to DEFAULT_HTTP: cut slow clients in seconds, admit 32 keep-alive connections and a burst of 300', () => {
    expect(http({})).toEqual(DEFAULT_HTTP);
    expect(DEFAULT_HTTP).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      bodyTimeoutMs: 10_000,
      maxHeaderBytes: 16_384,
      maxConnections: 512,
      keepAliveTimeoutMs: 65_000,
      corsOrigins: { web: [], mobile: [] },
      corsMaxAgeS: 600,
      shedding: { maxInFlight: 400, maxEventLoopDelayMs: 1000, eventLoopWindowMs: 1000, retryAfterS: 1, unreadyAfterMs: 0 },
    });
  });

  it('are read from their environment variables', () => {
    expect(
      http({
        HTTP_HEADERS_TIMEOUT_MS: '2000',
        HTTP_REQUEST_TIMEOUT_MS: '4000',
        BODY_TIMEOUT_MS: '3000',
        MAX_HEADER_BYTES: '8192',
        MAX_CONNECTIONS: '900',
        KEEP_ALIVE_TIMEOUT_MS: '5000',
        CORS_ORIGINS_WEB: 'https://shop.example.com, http://localhost:3000',
        CORS_ORIGINS_MOBILE: 'https://m.example.com',
        CORS_MAX_AGE_S: '60',
        SHED_MAX_IN_FLIGHT: '64',
        SHED_EVENT_LOOP_DELAY_MS: '250',
        SHED_EVENT_LOOP_WINDOW_MS: '500',
        SHED_RETRY_AFTER_S: '3',
        SHED_UNREADY_AFTER_MS: '10000',
      }),
    ).toEqual({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 4000,
      bodyTimeoutMs: 3000,
      maxHeaderBytes: 8192,
      maxConnections: 900,
      keepAliveTimeoutMs: 5000,
      corsOrigins: { web: ['https://shop.example.com', 'http://localhost:3000'], mobile: ['https://m.example.com'] },
      corsMaxAgeS: 60,
      shedding: { maxInFlight: 64, maxEventLoopDelayMs: 250, eventLoopWindowMs: 500, retryAfterS: 3, unreadyAfterMs: 10_000 },
    });
  });

  it('refuse an origin that is not exact, saying what was received and what was probably meant', () => {
    expect(() => http({ CORS_ORIGINS_WEB: 'https://shop.example.com/' })).toThrow(
      'CORS_ORIGINS_WEB takes exact origins (scheme://host[:port], no path, no wildcard); received "https://shop.example.com/"; did you mean https://shop.example.com?',
    );
    expect(() => http({ CORS_ORIGINS_MOBILE: 'https://M.Example.com' })).toThrow('did you mean https://m.example.com?');
    expect(() => http({ CORS_ORIGINS_WEB: '*' })).toThrow('received "*".');
    expect(() => http({ CORS_ORIGINS_WEB: 'https://*.example.com' })).toThrow('CORS_ORIGINS_WEB takes exact origins');
    expect(() => http({ CORS_ORIGINS_WEB: 'ftp://files.example.com' })).toThrow('CORS_ORIGINS_WEB takes exact origins');
  });

  it('refuse a headers timeout above the request timeout, and a zero header limit', () => {
    expect(() => http({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(
      'HTTP_HEADERS_TIMEOUT_MS must be at most HTTP_REQUEST_TIMEOUT_MS (30000); received 40000.',
    );
    expect(() => http({ MAX_HEADER_BYTES: '0' })).toThrow('MAX_HEADER_BYTES must be a positive integer; received 0.');
    expect(() => http({ MAX_CONNECTIONS: 'many' })).toThrow('MAX_CONNECTIONS must be a non-negative integer; received "many".');
  });

  it('node looks for timed-out connections often enough for the shorter timeout', () => {
    expect(checkIntervalMs(DEFAULT_HTTP)).toBe(1000);
    expect(checkIntervalMs({ headersTimeoutMs: 500, requestTimeoutMs: 5000 })).toBe(125);
    expect(checkIntervalMs({ headersTimeoutMs: 0, requestTimeoutMs: 0 })).toBe(1000);
  });
});
