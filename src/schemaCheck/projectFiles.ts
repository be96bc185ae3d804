/**
 * Where the breaking-change check finds its inputs in the project, so the
 * check (src/tools/schemaCheck.ts), the snapshot writer
 * (src/tools/schemaSnapshot.ts) and the tests agree:
 * - the baseline: `schema/snapshots/<frontend>.graphql` (in a folder of its
 *   own: every `schema/*.graphql` is SDL of every frontend, see
 *   resolvers/index.ts);
 * - the approvals: `schema/approved-changes.json`;
 * - the documents that must keep validating: the contract operations
 *   (`operations/<frontend>/*.graphql`), the project's other documents
 *   (`documents/<frontend>/*.graphql`, when that folder exists) and every
 *   trusted-document manifest of the frontend (src/graphql/trustedManifests.ts:
 *   the generated one and those under TRUSTED_DOCUMENTS_DIR).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { loadManifests } from '../graphql/trustedManifests';
import type { CheckedDocument } from './check';

export function snapshotFile(root: string, frontend: string): string {
  return join(root, 'schema', 'snapshots', `${frontend}.graphql`);
}

export function approvalsFile(root: string): string {
  return join(root, 'schema', 'approved-changes.json');
}

export interface DocumentLocations {
  projectRoot: string;
  /** TRUSTED_DOCUMENTS_DIR: `<dir>/<frontend>/*.json` are manifests of older app versions. */
  trustedDocumentsDir?: string | undefined;
}

/** The project at `root`, with TRUSTED_DOCUMENTS_DIR (relative to the working directory) from `env`. */
export function documentLocations(root: string, env: NodeJS.ProcessEnv): DocumentLocations {
  return { projectRoot: root, trustedDocumentsDir: env.TRUSTED_DOCUMENTS_DIR || undefined };
}

/** Every document of one frontend that must validate, each named by where it comes from. */
export function documentsToKeepValid(frontend: string, where: DocumentLocations): CheckedDocument[] {
  const root = where.projectRoot;
  const graphqlFiles = (dir: string): CheckedDocument[] =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => name.endsWith('.graphql'))
          .sort()
          .map((name) => ({ source: shown(root, join(dir, name)), text: readFileSync(join(dir, name), 'utf8') }))
      : [];
  const manifests = loadManifests(frontend, { projectRoot: root, trustedDocumentsDir: where.trustedDocumentsDir }).map((d) => ({
    source: `${shown(root, d.manifest)} [${d.hash.slice(0, 12)}]`,
    text: d.text,
  }));
  return [...graphqlFiles(join(root, 'operations', frontend)), ...graphqlFiles(join(root, 'documents', frontend)), ...manifests];
}

/** A path relative to the project when it is inside it, else as it is. */
export function shown(root: string, file: string): string {
  const inside = relative(root, file);
  return inside.startsWith('..') || isAbsolute(inside) ? file : inside;
}
