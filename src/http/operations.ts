/**
 * The contract operations of a frontend, read from `operations/<frontend>/`
 * with their example variables, for the playground's preloaded tabs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frontend } from '../config';
import type { PlaygroundOperation } from './playground';

export function loadContractOperations(dir: string, frontend: Frontend): PlaygroundOperation[] {
  const folder = join(dir, frontend);
  if (!existsSync(folder)) return [];
  const variablesFile = join(dir, 'variables.json');
  const variables = existsSync(variablesFile)
    ? (JSON.parse(readFileSync(variablesFile, 'utf8')) as Record<string, Record<string, unknown>>)
    : {};
  return readdirSync(folder)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => {
      const name = file.replace(/\.graphql$/, '');
      const vars = variables[name];
      return { name, document: readFileSync(join(folder, file), 'utf8'), ...(vars ? { variables: vars } : {}) };
    });
}
