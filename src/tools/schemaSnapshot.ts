/**
 * `npm run schema:snapshot`: writes each frontend's built schema to
 * `schema/snapshots/<frontend>.graphql`, the baseline of `npm run schema:check`.
 *
 * Moving the baseline is how a change is accepted, so it is refused while the
 * check fails (approve the breaking changes with a reason first, and keep every
 * document valid); only a frontend without a snapshot yet is written blindly.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { FRONTENDS, projectRoot } from '../config';
import { buildSchema } from '../resolvers';
import { checkProjectFrontend } from '../schemaCheck/projectCheck';
import { approvalsFile, documentLocations, shown, snapshotFile } from '../schemaCheck/projectFiles';
import { formatReport } from '../schemaCheck/report';
import { exitWith } from './exitWith';
import { printSchemaSnapshot } from '../schemaCheck/snapshot';

async function main(): Promise<number> {
  const root = projectRoot();
  const where = documentLocations(root, process.env);
  let refused = false;
  for (const frontend of FRONTENDS) {
    const file = snapshotFile(root, frontend);
    if (existsSync(file)) {
      const report = await checkProjectFrontend(frontend, where);
      if (!report.passed) {
        process.stdout.write(`${formatReport(report, shown(root, approvalsFile(root)))}\n${frontend}: snapshot NOT written\n`);
        refused = true;
        continue;
      }
      if (report.snapshotCurrent) {
        process.stdout.write(`${frontend}: ${shown(root, file)} is up to date\n`);
        continue;
      }
    }
    writeFileSync(file, printSchemaSnapshot(buildSchema(frontend)));
    process.stdout.write(`${frontend}: wrote ${shown(root, file)}\n`);
  }
  return refused ? 1 : 0;
}

if (require.main === module) exitWith(main());
