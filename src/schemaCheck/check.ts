/**
 * The breaking-change check of one frontend, as a pure function: the
 * committed snapshot, the schema the code builds now, the documents the apps
 * send, and the approved breaking changes in; a structured report out. Files,
 * printing and exit codes are the CLI's (src/tools/schemaCheck.ts).
 *
 * graphql-inspector classifies each change (BREAKING, DANGEROUS,
 * NON_BREAKING); removing a field that was deprecated first is DANGEROUS, not
 * BREAKING, which is the point of deprecating it. On top of that, the check
 * knows who is affected: a walk of every document over the old schema maps
 * each change to the documents that use what it changed, and every document
 * must still validate against the new schema. It fails when
 * - a BREAKING change is not approved, or
 * - a BREAKING change is used by a document (approved or not: an approval
 *   cannot break an app that is already shipped), or
 * - a document no longer validates (whatever change did it).
 */
import { ChangeType, CriticalityLevel, diff, DiffRule, type Change } from '@graphql-inspector/core';
import { Kind, parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { Approval } from './approvals';
import { coordinatesUsed } from './coordinates';
import { printSchemaSnapshot, schemaFromSnapshot } from './snapshot';

export interface CheckedDocument {
  /** Where it comes from, for people: `operations/web/WebProductPage.graphql`, a manifest entry … */
  source: string;
  text: string;
}

export interface DocumentRef {
  /** Its operation names, comma-separated (`(anonymous)` for an unnamed operation). */
  name: string;
  source: string;
}

export type ChangeLevel = `${CriticalityLevel}`;

export interface CheckedChange {
  type: string;
  path: string;
  level: ChangeLevel;
  message: string;
  /** What the change affects: a required argument added to `Product.price` affects `Product.price`. */
  coordinate: string;
  /** The documents that use `coordinate` (walked over the old schema). */
  usedBy: DocumentRef[];
  approval: Approval | null;
  /** Why this change fails the check; null when it does not. */
  blocking: 'unapproved' | 'used' | null;
}

export interface InvalidDocument {
  document: DocumentRef;
  errors: string[];
}

export interface SchemaCheckReport {
  frontend: string;
  documentCount: number;
  changes: CheckedChange[];
  invalidDocuments: InvalidDocument[];
  /** Approvals that match no BREAKING change: stale once the snapshot has been refreshed. */
  unusedApprovals: Approval[];
  /** True when the snapshot is exactly what `npm run schema:snapshot` would write now. */
  snapshotCurrent: boolean;
  passed: boolean;
}

export interface SchemaCheckInput {
  frontend: string;
  /** The committed snapshot's text. */
  oldSdl: string;
  /** The schema as the code builds it now (executable or not). */
  newSchema: GraphQLSchema;
  documents: readonly CheckedDocument[];
  /** This frontend's approved breaking changes. */
  approvals: readonly Approval[];
}

interface ParsedDocument {
  ref: DocumentRef;
  ast: DocumentNode | null;
  syntaxError: GraphQLError | null;
}

export async function checkSchema(input: SchemaCheckInput): Promise<SchemaCheckReport> {
  const newSdl = printSchemaSnapshot(input.newSchema);
  const oldSchema = schemaFromSnapshot(input.oldSdl);
  const newSchema = schemaFromSnapshot(newSdl);
  const documents = input.documents.map(parseDocument);

  const used = documents.map((d) => (d.ast ? coordinatesUsed(oldSchema, d.ast) : new Set<string>()));
  const usersOf = (coordinate: string): DocumentRef[] => documents.filter((_d, i) => used[i]?.has(coordinate)).map((d) => d.ref);

  const diffed = await diff(oldSchema, newSchema, [DiffRule.suppressRemovalOfDeprecatedField]);
  const changes = diffed.map((change): CheckedChange => {
    const path = change.path ?? '(schema)';
    const level = change.criticality.level as ChangeLevel;
    const coordinate = affectedCoordinate(change);
    const usedBy = usersOf(coordinate);
    const approval = input.approvals.find((a) => a.type === change.type && a.path === path) ?? null;
    const blocking = level !== 'BREAKING' ? null : usedBy.length > 0 ? 'used' : approval ? null : 'unapproved';
    return { type: change.type, path, level, message: change.message, coordinate, usedBy, approval, blocking };
  });

  const invalidDocuments = documents.flatMap((d): InvalidDocument[] => {
    const errors = d.syntaxError ? [d.syntaxError] : validate(newSchema, d.ast as DocumentNode);
    return errors.length === 0 ? [] : [{ document: d.ref, errors: errors.map(describeError) }];
  });

  const breaking = changes.filter((c) => c.level === 'BREAKING');
  const unusedApprovals = input.approvals.filter((a) => !breaking.some((c) => c.type === a.type && c.path === a.path));

  return {
    frontend: input.frontend,
    documentCount: documents.length,
    changes,
    invalidDocuments,
    unusedApprovals,
    snapshotCurrent: newSdl === input.oldSdl,
    passed: changes.every((c) => c.blocking === null) && invalidDocuments.length === 0,
  };
}

/** Changes that add something required to X break the users of X, not of the new part (which nobody uses yet). */
const BREAKS_ITS_PARENT = new Set<string>([ChangeType.FieldArgumentAdded, ChangeType.InputFieldAdded, ChangeType.DirectiveArgumentAdded]);

/**
 * The coordinate whose users a change affects, in the form of coordinates.ts.
 * A change to a directive applied in the schema (`Rating.@cacheControl.maxAge`,
 * `Product.brand.@deprecated`) affects the users of what it is applied to.
 */
export function affectedCoordinate(change: Change): string {
  if (change.type === ChangeType.UnionMemberRemoved) return (change.meta as { removedUnionMemberTypeName: string }).removedUnionMemberTypeName;
  const segments = (change.path ?? '').split('.');
  const applied = segments.findIndex((segment, index) => index > 0 && segment.startsWith('@'));
  const own = applied > 0 ? segments.slice(0, applied) : segments;
  return (BREAKS_ITS_PARENT.has(change.type) && own.length > 1 ? own.slice(0, -1) : own).join('.');
}

function parseDocument(document: CheckedDocument): ParsedDocument {
  try {
    const ast = parse(document.text);
    return { ref: { name: operationNames(ast), source: document.source }, ast, syntaxError: null };
  } catch (error) {
    return { ref: { name: '(unparsable)', source: document.source }, ast: null, syntaxError: error as GraphQLError };
  }
}

function operationNames(ast: DocumentNode): string {
  const names = ast.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '(anonymous)'] : []));
  return names.length > 0 ? names.join(', ') : '(fragments only)';
}

function describeError(error: GraphQLError): string {
  const where = error.locations?.map((l) => `${l.line}:${l.column}`).join(', ');
  return where ? `${error.message} (at ${where})` : error.message;
}
