/**
 * The throughput ceiling: a bare `node:http` server that reads each request
 * body and answers the exact bytes the gateway answered for an operation.
 *
 * Why: on the same machine, with the same connections and response size,
 * this is as fast as any Node HTTP server can go; the gateway's req/s is
 * reported next to it, so a number is read as "x % of the ceiling", not in
 * the abstract. Its own process, like the gateway, so both pay the same
 * process and socket costs.
 *
 * Usage: node dist/bench/bareServer.js --port N --body-file F [--content-type T]
 */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(name);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) {
    process.stderr.write(`missing ${name}\n`);
    process.exit(2);
  }
  return value;
}

const port = Number(arg('--port'));
const body = readFileSync(arg('--body-file'));
const headers = { 'content-type': arg('--content-type', 'application/json; charset=utf-8'), 'content-length': String(body.length) };

const server = createServer((req, res) => {
  // Read the request body like the gateway must, then answer.
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
