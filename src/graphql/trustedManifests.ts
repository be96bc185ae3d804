/**
 * Trusted-document manifests: every document a frontend's released app
 * versions may send, as a JSON object `{ "<sha256 hex of the text>": "<document text>" }`.
 *
 * Why one small module: the breaking-change check reads these manifests to
 * prove that a schema change breaks no shipped app, and the gateway will read
 * the same files to serve trusted documents. Both must agree on where
 * manifests live and on what a valid one is, so both use this. It depends on
 * node's fs, path and crypto only.
 *
 * Where a frontend's manifests are:
 * - `clients/<frontend>/persisted-documents.json` under the project root: the
 *   manifest generated for the current build (absent until it is generated);
 * - `<trustedDocumentsDir>/<frontend>/*.json`: manifests operators keep for
 *   older app versions still in use (TRUSTED_DOCUMENTS_DIR; a frontend
 *   without a folder there has none).
 *
 * A malformed manifest is an error, never skipped: a check that silently
 * ignored an old app's manifest would approve changes that break that app.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface TrustedDocument {
  /** The manifest key: sha256 of `text`, lowercase hex. */
  hash: string;
  /** The document, as the client sends it. */
  text: string;
  /** Absolute path of the manifest that lists it. */
  manifest: string;
}

export interface ManifestOptions {
  /** Holds `clients/<frontend>/persisted-documents.json`. */
  projectRoot: string;
  /** Holds `<frontend>/*.json` for older app versions; none when undefined or empty. */
  trustedDocumentsDir?: string | undefined;
}

export class TrustedManifestError extends Error {
  override readonly name = 'TrustedManifestError';
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The manifest files of one frontend that exist, generated one first, then the extra ones by name. */
export function manifestFiles(frontend: string, options: ManifestOptions): string[] {
  const files: string[] = [];
  const generated = join(options.projectRoot, 'clients', frontend, 'persisted-documents.json');
  if (existsSync(generated)) files.push(generated);
  const dir = options.trustedDocumentsDir;
  if (dir) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new TrustedManifestError(`The trusted documents directory ${dir} does not exist.`);
    }
    const own = join(dir, frontend);
    if (existsSync(own)) {
      for (const name of readdirSync(own).filter((n) => n.endsWith('.json')).sort()) files.push(join(own, name));
    }
  }
  return files;
}

/** Every document of every manifest of one frontend. */
export function loadManifests(frontend: string, options: ManifestOptions): TrustedDocument[] {
  return manifestFiles(frontend, options).flatMap((file) => parseManifest(readFileSync(file, 'utf8'), file));
}

/** One manifest's documents; throws a TrustedManifestError naming `file` and the entry when it is malformed. */
export function parseManifest(json: string, file: string): TrustedDocument[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new TrustedManifestError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TrustedManifestError(`${file} must be a JSON object of sha256 hash to document text.`);
  }
  return Object.entries(parsed).map(([hash, text]) => {
    if (!SHA256_HEX.test(hash)) {
      throw new TrustedManifestError(`${file}: key ${JSON.stringify(hash)} is not a lowercase sha256 hex digest.`);
    }
    if (typeof text !== 'string' || text.trim() === '') {
      throw new TrustedManifestError(`${file}: the document of ${hash} must be a non-empty string.`);
    }
    if (createHash('sha256').update(text).digest('hex') !== hash) {
      throw new TrustedManifestError(`${file}: ${hash} is not the sha256 of its document.`);
    }
    return { hash, text, manifest: file };
  });
}
