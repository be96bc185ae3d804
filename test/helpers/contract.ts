/**
 * The contract's operations, read from ../shared/contract (the source of
 * truth), with their example variables.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CONTRACT_DIR = resolve(__dirname, '..', '..', '..', 'shared', 'contract');
export const CONTRACT_OPERATIONS_DIR = join(CONTRACT_DIR, 'operations');

export interface ContractOperation {
  frontend: 'web' | 'mobile';
  name: string;
  document: string;
  variables: Record<string, unknown>;
}

const variables = JSON.parse(readFileSync(join(CONTRACT_OPERATIONS_DIR, 'variables.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;

export const contractOperations: ContractOperation[] = (['web', 'mobile'] as const).flatMap((frontend) =>
  readdirSync(join(CONTRACT_OPERATIONS_DIR, frontend))
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((file) => {
      const name = file.replace(/\.graphql$/, '');
      return {
        frontend,
        name,
        document: readFileSync(join(CONTRACT_OPERATIONS_DIR, frontend, file), 'utf8'),
        variables: variables[name] ?? {},
      };
    }),
);

export function operation(name: string): ContractOperation {
  const found = contractOperations.find((op) => op.name === name);
  if (!found) throw new Error(`No contract operation ${name}`);
  return found;
}

/**
 * The app documents the contract does not list (its subscriptions), in the
 * project's own `documents/<frontend>/`; codegen adds them to the manifests.
 */
export const appDocuments: Omit<ContractOperation, 'variables'>[] = (['web', 'mobile'] as const).flatMap((frontend) => {
  const dir = resolve(__dirname, '..', '..', 'documents', frontend);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((file) => ({ frontend, name: file.replace(/\.graphql$/, ''), document: readFileSync(join(dir, file), 'utf8') }));
});

export function appDocument(name: string): Omit<ContractOperation, 'variables'> {
  const found = appDocuments.find((d) => d.name === name);
  if (!found) throw new Error(`No app document ${name}`);
  return found;
}
