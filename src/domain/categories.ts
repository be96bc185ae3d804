/**
 * The category tree, indexed once per fetch of `GET /categories`.
 *
 * The service returns the tree flattened (at most a few hundred entries);
 * resolvers need a category by id, its parent and its breadcrumb, so the
 * index builds those lookups once instead of scanning the list per field.
 */
import type { DownstreamCategory } from '../contract/payloads';

export class CategoryIndex {
  readonly all: DownstreamCategory[];
  readonly roots: DownstreamCategory[];
  private readonly byId = new Map<string, DownstreamCategory>();
  private readonly childrenById = new Map<string, DownstreamCategory[]>();

  constructor(categories: DownstreamCategory[]) {
    this.all = categories;
    for (const category of categories) this.byId.set(category.id, category);
    const roots: DownstreamCategory[] = [];
    for (const category of categories) {
      if (category.parentId === null || !this.byId.has(category.parentId)) {
        roots.push(category);
        continue;
      }
      const siblings = this.childrenById.get(category.parentId);
      if (siblings) siblings.push(category);
      else this.childrenById.set(category.parentId, [category]);
    }
    this.roots = roots;
  }

  get(id: string): DownstreamCategory | null {
    return this.byId.get(id) ?? null;
  }

  children(id: string): DownstreamCategory[] {
    return this.childrenById.get(id) ?? [];
  }

  /** From the root down to the category itself; stops on a cycle in bad data. */
  breadcrumb(id: string): DownstreamCategory[] {
    const path: DownstreamCategory[] = [];
    const seen = new Set<string>();
    let current = this.byId.get(id);
    while (current && !seen.has(current.id)) {
      seen.add(current.id);
      path.push(current);
      current = current.parentId === null ? undefined : this.byId.get(current.parentId);
    }
    return path.reverse();
  }
}
