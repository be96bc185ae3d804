/**
 * Where the project is on disk, whether this runs from src/ (tests, tsx) or
 * from the compiled dist/src/ (npm start).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repo keeps a copy of the contract's operations (checked against
 * ../shared/contract by test/contract.test.ts), so a deployed gateway has them.
 * Found from the project root, which is where package.json is, whether this
 * file runs from src/ (tests, tsx) or dist/src/ (npm start).
 */
export function defaultOperationsDir(): string {
  return join(projectRoot(), 'operations');
}

/** The apps' documents the contract does not list (their subscriptions), `documents/<frontend>/*.graphql`. */
export function appDocumentsDir(): string {
  return join(projectRoot(), 'documents');
}

export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${__dirname}.`);
    dir = parent;
  }
  return dir;
}
