/**
 * A check report as text for a terminal or a CI log: what fails first and why,
 * with the documents it breaks and, for a break no document uses, the exact
 * approval entry to add; then warnings; then the safe changes, one line each.
 */
import type { CheckedChange, DocumentRef, SchemaCheckReport } from './check';

const LEVEL_ORDER = { BREAKING: 0, DANGEROUS: 1, NON_BREAKING: 2 } as const;

export function formatReport(report: SchemaCheckReport, approvalsFile: string): string {
  const lines: string[] = [`--- ${report.frontend} ---`];
  const changes = [...report.changes].sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.path.localeCompare(b.path));
  for (const change of changes) lines.push(...describeChange(change, report.frontend, approvalsFile));
  for (const { document, errors } of report.invalidDocuments) {
    lines.push(`FAIL  ${documentName(document)} no longer validates:`);
    for (const error of errors) lines.push(`        ${error}`);
  }
  for (const approval of report.unusedApprovals) {
    lines.push(`note  approval of ${approval.type} ${approval.path} matches no change any more: remove it from ${approvalsFile}`);
  }
  if (!report.snapshotCurrent) {
    lines.push(
      report.passed
        ? 'note  the snapshot differs from the built schema: commit the new baseline with `npm run schema:snapshot`'
        : 'note  the snapshot differs from the built schema (refresh it with `npm run schema:snapshot` once this check passes)',
    );
  }
  const breaking = report.changes.filter((c) => c.level === 'BREAKING').length;
  const dangerous = report.changes.filter((c) => c.level === 'DANGEROUS').length;
  const blocked = report.changes.filter((c) => c.blocking !== null).length;
  const summary =
    `${report.frontend}: ${report.passed ? 'passed' : 'FAILED'}: ${report.changes.length} change(s), ${breaking} breaking ` +
    `(${blocked} not allowed), ${dangerous} dangerous; ${report.documentCount} document(s) checked, ` +
    `${report.invalidDocuments.length} invalid`;
  return [...lines, summary].join('\n');
}

function describeChange(change: CheckedChange, frontend: string, approvalsFile: string): string[] {
  const head = `${change.level} ${change.type} ${change.path}: ${change.message}`;
  const users = change.usedBy.map(documentName).join(', ');
  switch (change.level) {
    case 'BREAKING':
      if (change.blocking === 'used') {
        return [`FAIL  ${head}`, `        breaks: ${users}`, '        an approval cannot allow this while documents use it'];
      }
      if (change.blocking === 'unapproved') {
        const entry = JSON.stringify({ type: change.type, path: change.path, reason: '…' });
        return [`FAIL  ${head}`, '        breaks no known document; needs an approval with a reason', `        in ${approvalsFile} under "${frontend}": ${entry}`];
      }
      return [`ok    ${head}`, `        approved: ${change.approval?.reason ?? ''}`];
    case 'DANGEROUS':
      return [`warn  ${head}`, ...(users ? [`        used by: ${users}`] : [])];
    default:
      return [`safe  ${head}`, ...(users && change.type.includes('DEPRECATION') ? [`        still used by: ${users}`] : [])];
  }
}

function documentName(document: DocumentRef): string {
  return `${document.name} (${document.source})`;
}
