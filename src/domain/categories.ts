/**
 * The category tree, indexed once per fetch of `GET /categories`.
 *
 * The service returns the tree flattened (at most a few hundred entries);
 * resolvers need a category by id, its parent and its breadcrumb, so the
 * index builds those lookups once instead of scanning the list per field.
 *
 * Each category is served as a `ServedCategory`: the payload's fields and
 * its parent, linked once here. So `Category.parent` is a plain property
 * and needs no resolver (resolvers/index.ts says why that matters: a
 * category menu asks for the parent of every category of the shop).
 */
import type { DownstreamCategory } from '../contract/payloads';

/** A category with its parent linked (null for a root, or a parent the list does not hold). */
export interface ServedCategory extends DownstreamCategory {
  readonly parent: ServedCategory | null;
}

export class CategoryIndex {
  readonly all: ServedCategory[];
  readonly roots: ServedCategory[];
  private readonly byId = new Map<string, ServedCategory>();
  private readonly childrenById = new Map<string, ServedCategory[]>();

  constructor(categories: readonly DownstreamCategory[]) {
    const served = categories.map((c): { -readonly [K in keyof ServedCategory]: ServedCategory[K] } => ({ id: c.id, slug: c.slug, name: c.name, parentId: c.parentId, parent: null }));
    this.all = served;
    for (const category of served) this.byId.set(category.id, category);
    const roots: ServedCategory[] = [];
    for (const category of served) {
      const parent = category.parentId === null ? undefined : this.byId.get(category.parentId);
      if (!parent) {
        roots.push(category);
        continue;
      }
      category.parent = parent;
      const siblings = this.childrenById.get(parent.id);
      if (siblings) siblings.push(category);
      else this.childrenById.set(parent.id, [category]);
    }
    this.roots = roots;
  }

  get(id: string): ServedCategory | null {
    return this.byId.get(id) ?? null;
  }

  children(id: string): ServedCategory[] {
    return this.childrenById.get(id) ?? [];
  }

  /** From the root down to the category itself; stops on a cycle in bad data. */
  breadcrumb(id: string): ServedCategory[] {
    const path: ServedCategory[] = [];
    const seen = new Set<string>();
    let current = this.byId.get(id);
    while (current && !seen.has(current.id)) {
      seen.add(current.id);
      path.push(current);
      current = current.parent ?? undefined;
    }
    return path.reverse();
  }
}
