/**
 * One frontend's trusted documents: what its app versions may send, known
 * when the gateway starts.
 *
 * Why a registry built at start: a BFF's operations are its own frontends',
 * so it can know every one of them in advance (trustedManifests.ts reads the
 * manifests codegen writes and those an operator adds). Each is parsed and
 * validated once, here; a request never pays for either again.
 *
 * A document is found by what the client sends:
 * - its id (the manifest key: sha256 of the normalized print), as
 *   `documentId`;
 * - its exact text: the normalized print the manifest holds (what generated
 *   clients send), or the raw text of a source file in `operations/` (what
 *   most clients send, as written); each text keeps its own parsed document,
 *   so a response's fields come in the order the client wrote them;
 * - the sha256 of either text, as an APQ `sha256Hash`.
 * Never by a fresh parse per request: a text that is not byte for byte one
 * of these is not trusted.
 */
import { createHash } from 'node:crypto';
import { printExecutableGraphQLDocument } from '@graphql-tools/documents';
import { parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { loadManifests, TrustedManifestError, type ManifestOptions } from './trustedManifests';

/** One text a trusted document is known by, with its own parsed document. */
export interface TrustedText {
  /** The manifest id of the document (sha256 hex of its normalized print). */
  id: string;
  /** The exact text. */
  text: string;
  /** sha256 hex of `text`: Apollo's query hash, and an APQ client's `sha256Hash`. */
  textHash: string;
  document: DocumentNode;
  /** The document's operations, by name (a manifest document has one). */
  operations: readonly OperationDefinitionNode[];
  /** Where it came from: a manifest, or a source file. */
  source: string;
}

/** A raw source file of a trusted document (an operation file the manifest was generated from). */
export interface SourceText {
  path: string;
  text: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export class TrustedDocuments {
  private readonly byTextMap = new Map<string, TrustedText>();
  private readonly byHashMap = new Map<string, TrustedText>();
  private readonly byIdMap = new Map<string, TrustedText>();

  private constructor() {}

  /**
   * Reads a frontend's manifests and source files, and parses and validates
   * every document against its schema. A document that does not validate is
   * an error at start (a manifest the schema cannot serve is a broken
   * deploy), never a surprise at request time.
   */
  static load(frontend: string, schema: GraphQLSchema, options: ManifestOptions & { sources?: readonly SourceText[] }): TrustedDocuments {
    const registry = new TrustedDocuments();
    for (const entry of loadManifests(frontend, options)) registry.add(schema, entry.hash, entry.text, entry.manifest);
    for (const source of options.sources ?? []) {
      let id: string;
      try {
        id = sha256(printExecutableGraphQLDocument(parse(source.text)));
      } catch {
        continue; // not a document; the manifests say what is trusted
      }
      // Only a source whose normalized print is in a manifest is trusted as written.
      if (registry.byIdMap.has(id)) registry.add(schema, id, source.text, source.path);
    }
    return registry;
  }

  /** The canonical text of the document with this id (`sha256:<hex>` or bare `<hex>`). */
  byId(documentId: string): TrustedText | undefined {
    const hex = documentId.startsWith('sha256:') ? documentId.slice(7) : documentId;
    return SHA256_HEX.test(hex) ? this.byIdMap.get(hex) : undefined;
  }

  /** The trusted document this exact text is. */
  byText(text: string): TrustedText | undefined {
    return this.byTextMap.get(text);
  }

  /** The trusted document whose text has this sha256 (Apollo's query hash, an APQ `sha256Hash`). */
  byTextHash(hash: string): TrustedText | undefined {
    return this.byHashMap.get(hash);
  }

  /** Every text, manifest prints first. */
  texts(): IterableIterator<TrustedText> {
    return this.byTextMap.values();
  }

  get size(): number {
    return this.byIdMap.size;
  }

  private add(schema: GraphQLSchema, id: string, text: string, source: string): void {
    if (this.byTextMap.has(text)) return;
    let document: DocumentNode;
    try {
      document = parse(text);
    } catch (error) {
      throw new TrustedManifestError(`${source}: document ${id} does not parse: ${(error as Error).message}`);
    }
    const errors = validate(schema, document);
    if (errors.length > 0) {
      throw new TrustedManifestError(`${source}: document ${id} does not validate: ${errors.map((e) => e.message).join('; ')}`);
    }
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    const entry: TrustedText = { id, text, textHash: sha256(text), document, operations, source };
    this.byTextMap.set(text, entry);
    this.byHashMap.set(entry.textHash, entry);
    if (!this.byIdMap.has(id)) this.byIdMap.set(id, entry);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
