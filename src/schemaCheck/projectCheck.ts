/**
 * The check of one frontend of this project as it is on disk: its built
 * schema against its committed snapshot, with the approvals file and every
 * document it must keep valid. Shared by `npm run schema:check` and
 * `npm run schema:snapshot` (which refuses to move the baseline past a
 * failing check).
 */
import { existsSync, readFileSync } from 'node:fs';
import { FRONTENDS, type Frontend } from '../config';
import { buildSchema } from '../resolvers';
import { parseApprovals } from './approvals';
import { checkSchema, type SchemaCheckReport } from './check';
import { approvalsFile, documentsToKeepValid, shown, snapshotFile, type DocumentLocations } from './projectFiles';

export class MissingSnapshotError extends Error {
  override readonly name = 'MissingSnapshotError';
}

export async function checkProjectFrontend(frontend: Frontend, where: DocumentLocations): Promise<SchemaCheckReport> {
  const snapshot = snapshotFile(where.projectRoot, frontend);
  if (!existsSync(snapshot)) {
    throw new MissingSnapshotError(`${snapshot} does not exist: write the first baseline with \`npm run schema:snapshot\`.`);
  }
  const approvalsPath = approvalsFile(where.projectRoot);
  const approvals = existsSync(approvalsPath)
    ? parseApprovals(readFileSync(approvalsPath, 'utf8'), shown(where.projectRoot, approvalsPath), FRONTENDS)
    : {};
  return checkSchema({
    frontend,
    oldSdl: readFileSync(snapshot, 'utf8'),
    newSchema: buildSchema(frontend),
    documents: documentsToKeepValid(frontend, where),
    approvals: approvals[frontend] ?? [],
  });
}
