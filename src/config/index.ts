/**
 * The gateway's configuration: one typed object with documented defaults.
 *
 * `createGateway(config)` takes this object and nothing else, so tests build
 * gateways with exactly the settings they need. Only `main.ts` reads the
 * environment, through `loadConfig(process.env)`; the variables are the ones
 * the contract README names (see README.md for the full table).
 *
 * options.ts holds the types and defaults, load.ts reads the environment,
 * environment.ts the variable readers, paths.ts where the project is.
 */
export * from './options';
export { loadConfig, serviceUrlsFromEnv } from './load';
export { appDocumentsDir, defaultOperationsDir, projectRoot } from './paths';
