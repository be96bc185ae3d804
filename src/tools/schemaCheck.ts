/**
 * `npm run schema:check`: fails (exit 1) when a frontend's schema, as the code
 * builds it now, breaks its committed snapshot in a way that is not allowed:
 * an unapproved BREAKING change, a BREAKING change that a document uses, or a
 * document (contract operation, `documents/`, trusted-document manifest,
 * including TRUSTED_DOCUMENTS_DIR's older app versions) that no longer
 * validates. DANGEROUS changes are printed as warnings. `npm test` runs it.
 */
import { FRONTENDS, projectRoot } from '../config';
import { checkProjectFrontend } from '../schemaCheck/projectCheck';
import { approvalsFile, documentLocations, shown } from '../schemaCheck/projectFiles';
import { formatReport } from '../schemaCheck/report';
import { exitWith } from './exitWith';

async function main(): Promise<number> {
  const root = projectRoot();
  const where = documentLocations(root, process.env);
  let failed = false;
  for (const frontend of FRONTENDS) {
    try {
      const report = await checkProjectFrontend(frontend, where);
      process.stdout.write(`${formatReport(report, shown(root, approvalsFile(root)))}\n`);
      failed ||= !report.passed;
    } catch (error) {
      // A missing snapshot, a malformed manifest or approvals file: the check cannot vouch for anything.
      process.stdout.write(`${frontend}: FAILED: ${(error as Error).message}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

if (require.main === module) exitWith(main());
