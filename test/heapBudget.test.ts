/**
 * The embedded default's heap budget holds: `npm start`'s own entry point
 * (src/main.ts, the demo services in-process) in a child process with the
 * same old-space budget `npm start` gives it (GATEWAY_HEAP_MB, 192 MB),
 * under the 5,000-alias query that once ran it out of heap, and under the
 * heaviest requests the default limits admit, sent ten at a time. The
 * process must stay up and keep answering everyone else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { getOperationAST, parse } from 'graphql';
import { request } from 'undici';
import { DEFAULT_LIMITS, projectRoot } from '../src/config';
import { operationCost } from '../src/graphql/operationCost';
import { buildSchema } from '../src/resolvers';
import { operation } from './helpers/contract';
import { postGraphQL } from './helpers/graphqlHttp';

const HEAP_MB = 192;
let child: ChildProcess;
let url: string;
const output: string[] = [];

beforeAll(async () => {
  child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', 'src/main.ts'], {
    cwd: projectRoot(),
    // Timeouts long enough for a machine the other test workers keep busy: this measures memory, not speed.
    // For the same reason no shedding by event-loop delay: on a loaded machine ten of the heaviest requests
    // hold the loop past its 1 s default, and the 503 that follows is the shedder working (test/loadShedding.test.ts
    // tests it), not the heap budget failing.
    // JSON lines (development defaults to pino-pretty): the URL is read from the "gateway listening" line.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      DOWNSTREAM_TIMEOUT_MS: '10000',
      REQUEST_TIMEOUT_MS: '30000',
      SHED_EVENT_LOOP_DELAY_MS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      output.push(chunk.toString());
      const match = /"url":"(http:\/\/[^"]+)","msg":"gateway listening"/.exec(buffered);
      if (match) resolve(match[1] as string);
    });
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the gateway exited with ${code}: ${output.join('')}`)));
  });
}, 60_000);

afterAll(() => {
  child.kill('SIGKILL');
});

function alive(): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Three full pages of 100 web products with everything a card shows: near the cost limit, within every other. */
const HEAVIEST = `{ ${[0, 1, 2]
  .map((i) => `p${i}: products(first: 100, categoryId: "c-00${i + 1}") { edges { node { id name brand description price { amount currency formatted } image(size: LARGE) { url width height alt } images { url width height alt } availability { inStock quantity restockDate } } } }`)
  .join(' ')} }`;

describe(`npm start's process in ${HEAP_MB} MB of heap`, () => {
  it('refuses the 5,000-alias query at once and stays up', async () => {
    const fields = Array.from({ length: 5000 }, (_v, i) => `a${i}: product(id: "p-${String(i + 1).padStart(4, '0')}") { id name description }`).join(' ');
    const { status, body } = await postGraphQL(url, 'web', { query: `{ ${fields} }` });
    expect(status).toBe(400);
    expect(body.errors[0].extensions.rule).toBe('tokens');
    expect(alive()).toBe(true);
  });

  it('answers the heaviest requests the limits admit, ten at a time, and everyone else meanwhile', async () => {
    const document = parse(HEAVIEST);
    const cost = operationCost(buildSchema('web'), document, getOperationAST(document)!, {});
    expect(cost).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCost);
    expect(cost).toBeGreaterThan(DEFAULT_LIMITS.maxCost * 0.6);
    const page = operation('WebProductPage');
    for (let round = 0; round < 3; round++) {
      const heavy = Array.from({ length: 10 }, () => postGraphQL(url, 'web', { query: HEAVIEST }));
      const others = Array.from({ length: 10 }, () => postGraphQL(url, 'web', { query: page.document, variables: page.variables }));
      const [heavyAnswers, otherAnswers] = await Promise.all([Promise.all(heavy), Promise.all(others)]);
      for (const answer of heavyAnswers) {
        expect({ status: answer.status, errors: answer.body.errors }).toEqual({ status: 200, errors: undefined });
        expect(answer.body.data.p0.edges.length).toBeGreaterThan(0);
      }
      for (const answer of otherAnswers) expect({ id: answer.body.data?.product?.id, errors: answer.body.errors }).toEqual({ id: 'p-0001', errors: undefined });
      expect(alive()).toBe(true);
    }
    const metrics = await (await request(`${url}/metrics`)).body.text();
    const heapUsed = Number(/nodejs_heap_size_used_bytes (\d+)/.exec(metrics)?.[1]);
    expect(heapUsed).toBeLessThan(HEAP_MB * 1024 * 1024);
  }, 60_000);
});
