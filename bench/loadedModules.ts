/**
 * Preloaded into the profiled gateway of the tracing scenario
 * (`node --require dist/bench/loadedModules.js`): when the process exits, it
 * writes the file of every module it loaded (`require.cache`'s keys; the
 * gateway is compiled to CommonJS, and so are the `import()`s it makes) to
 * the file named by BENCH_LOADED_MODULES, so the bench can tell whether the
 * OpenTelemetry SDK was loaded at all, not only whether it was sampled.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_LOADED_MODULES;
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify(Object.keys(require.cache))));
