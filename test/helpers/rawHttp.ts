/**
 * HTTP/1.1 written by hand over a `net` socket: the clients an HTTP library
 * will not be, such as one that sends its headers and never finishes them,
 * or trickles its body a byte at a time.
 */
import { connect, type Socket } from 'node:net';

export interface RawConnection {
  socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves when the socket closes (by either side), with the ms since it connected. */
  closed: Promise<number>;
  isClosed(): boolean;
}

/** A connected socket to the host and port of `baseUrl`. */
export function rawConnect(baseUrl: string): Promise<RawConnection> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    let isClosed = false;
    let connectedAt = 0;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', () => {}); // a reset is one of the outcomes the tests look at
    const closed = new Promise<number>((done) =>
      socket.once('close', () => {
        isClosed = true;
        done(performance.now() - connectedAt);
      }),
    );
    socket.once('connect', () => {
      connectedAt = performance.now();
      resolve({ socket, received: () => data, closed, isClosed: () => isClosed });
    });
    socket.once('error', reject);
  });
}

/** The head of a JSON POST to `path` announcing `contentLength` bytes of body. */
export function postHead(path: string, contentLength: number): string {
  return `POST ${path} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`;
}

/** Writes `text` one byte every `intervalMs` until it is all sent or the socket closes. */
export function trickle(connection: RawConnection, text: string, intervalMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (connection.isClosed() || i >= text.length) {
      clearInterval(timer);
      return;
    }
    connection.socket.write(text[i++] as string);
  }, intervalMs);
  void connection.closed.then(() => clearInterval(timer));
}

/** The status code of the first response in `raw`, or null when none arrived. */
export function statusOf(raw: string): number | null {
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(raw);
  return match ? Number(match[1]) : null;
}

/** The JSON body of the response in `raw` (everything after the blank line). */
export function bodyOf(raw: string): any {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
}

/** A header of the first response in `raw` (lowercase name), or undefined. */
export function headerOf(raw: string, name: string): string | undefined {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}
