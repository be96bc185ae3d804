/**
 * `npm start`: the gateway from the environment.
 *
 * With no downstream URL set, the built-in demo services start in-process on
 * free loopback ports and the gateway points at them: the embedded default, a
 * working shop with two commands. With every URL set, it is a production
 * gateway and no demo code runs.
 */
import { loadConfig, serviceUrlsFromEnv } from './config';
import { createGateway } from './gateway';

async function main(): Promise<void> {
  const configured = serviceUrlsFromEnv(process.env);
  // Loaded only when needed: a production gateway never runs demo code.
  const demo = configured ? null : await (await import('./demo')).startDemoServices();
  const urls = configured ?? (demo as NonNullable<typeof demo>).urls;
  const stopDemo = demo ? () => demo.close() : undefined;
  const config = loadConfig(process.env, urls);
  const gateway = await createGateway(config);
  if (stopDemo) gateway.logger.info({ services: urls }, 'no downstream URL set: serving the built-in demo services');
  const url = await gateway.listen();
  gateway.logger.info(`web playground: ${url}/graphql/web  mobile playground: ${url}/graphql/mobile`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info({ signal }, 'shutting down');
    await gateway.close();
    await stopDemo?.();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`The gateway could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
