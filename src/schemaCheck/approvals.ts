/**
 * Approved breaking changes (`schema/approved-changes.json`): per frontend, the
 * changes a team has agreed to ship, each with the reason.
 *
 *   { "web": [{ "type": "FIELD_REMOVED", "path": "Category.children", "reason": "…" }], "mobile": [] }
 *
 * A change is identified as graphql-inspector names it: its `type` and
 * `path`. The reason is required, so the file is the record of why each break
 * was accepted. Entries are checked strictly (a misspelt key is an error, not
 * an approval that silently matches nothing).
 */
export interface Approval {
  type: string;
  path: string;
  reason: string;
}

export type ApprovalsByFrontend = Record<string, Approval[]>;

export class ApprovalsError extends Error {
  override readonly name = 'ApprovalsError';
}

const KEYS = ['type', 'path', 'reason'] as const;

export function parseApprovals(json: string, file: string, frontends: readonly string[]): ApprovalsByFrontend {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new ApprovalsError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApprovalsError(`${file} must be an object with a list of approvals per frontend (${frontends.join(', ')}).`);
  }
  const approvals: ApprovalsByFrontend = Object.fromEntries(frontends.map((f) => [f, []]));
  for (const [frontend, entries] of Object.entries(parsed)) {
    if (!frontends.includes(frontend)) throw new ApprovalsError(`${file}: ${JSON.stringify(frontend)} is not a frontend (${frontends.join(', ')}).`);
    if (!Array.isArray(entries)) throw new ApprovalsError(`${file}: ${frontend} must be a list of approvals.`);
    approvals[frontend] = entries.map((entry: unknown, index) => approval(entry, `${file}: ${frontend}[${index}]`));
  }
  return approvals;
}

function approval(entry: unknown, where: string): Approval {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ApprovalsError(`${where} must be an object with ${KEYS.join(', ')}.`);
  }
  const record = entry as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !(KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new ApprovalsError(`${where} has unknown keys ${unknown.join(', ')}; an approval has ${KEYS.join(', ')}.`);
  for (const key of KEYS) {
    const value = record[key];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ApprovalsError(`${where} needs a non-empty ${key}${key === 'reason' ? ': say why the break is acceptable' : ''}.`);
    }
  }
  return { type: record.type as string, path: record.path as string, reason: record.reason as string };
}
