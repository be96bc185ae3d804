/**
 * `npm start`: the gateway from the environment.
 *
 * With no downstream URL set, the built-in demo services start in-process on
 * free loopback ports and the gateway points at them: the embedded default, a
 * working shop with two commands. With every URL set, it is a production
 * gateway and no demo code runs.
 *
 * Signals: this file owns them (Apollo's own handlers are off). The first
 * SIGTERM or SIGINT starts the graceful shutdown (gateway.ts `shutdown`:
 * unready at once, serving on for SHUTDOWN_DELAY_MS, then draining within
 * SHUTDOWN_TIMEOUT_MS, then flushing), after which the process exits 0; a
 * second signal exits at once, as an operator pressing Ctrl-C twice expects.
 */
import { loadConfig, serviceUrlsFromEnv } from './config';
import { createGateway } from './gateway';

const EXIT_CODE_BY_SIGNAL: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

async function main(): Promise<void> {
  const configured = serviceUrlsFromEnv(process.env);
  // Loaded only when needed: a production gateway never runs demo code.
  const demo = configured ? null : await (await import('./demo')).startDemoServices();
  const urls = configured ?? (demo as NonNullable<typeof demo>).urls;
  const config = loadConfig(process.env, urls);
  const gateway = await createGateway(config);
  if (demo) gateway.logger.info({ services: urls }, 'no downstream URL set: serving the built-in demo services');
  const url = await gateway.listen();
  gateway.logger.info(`web playground: ${url}/graphql/web  mobile playground: ${url}/graphql/mobile`);

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      gateway.logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(EXIT_CODE_BY_SIGNAL[signal] ?? 1);
    }
    stopping = true;
    gateway.logger.info({ signal }, 'shutting down');
    void gateway
      .shutdown()
      .then(() => demo?.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          gateway.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((error: unknown) => {
  process.stderr.write(`The gateway could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
