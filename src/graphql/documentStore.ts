/**
 * Apollo's store of parsed and validated documents, with the trusted
 * documents in it from the start.
 *
 * Apollo looks a request's document up here by the sha256 of its text
 * before it parses or validates anything, and adds what it parsed and
 * validated afterwards. The trusted documents were parsed and validated when
 * the gateway started (trustedDocuments.ts), so their lookups always hit and
 * never evict; every other document shares a bounded LRU, so a client
 * sending endless new documents cannot grow the heap.
 */
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { TrustedDocuments } from './trustedDocuments';

/** Documents of untrusted texts kept parsed; Apollo's own default is about 30 MB of them. */
const UNTRUSTED_DOCUMENTS = 1000;

export class DocumentStore implements KeyValueCache<DocumentNode> {
  private readonly others = new LRUCache<string, DocumentNode>({ max: UNTRUSTED_DOCUMENTS });

  constructor(private readonly trusted: TrustedDocuments) {}

  /** Apollo's key is `<schema hash>:<sha256 of the text>`. */
  async get(key: string): Promise<DocumentNode | undefined> {
    return this.trusted.byTextHash(key.slice(key.lastIndexOf(':') + 1))?.document ?? this.others.get(key);
  }

  async set(key: string, document: DocumentNode): Promise<void> {
    if (!this.trusted.byTextHash(key.slice(key.lastIndexOf(':') + 1))) this.others.set(key, document);
  }

  async delete(key: string): Promise<boolean> {
    return this.others.delete(key);
  }
}
