import type { TaxonomyGraph, TaxonomyNode } from "../_lib/types";

export interface TreeIndex {
  byId: Map<number, TaxonomyNode>;
  /** kind_of: parent id → child ids (sorted by name). */
  children: Map<number, number[]>;
  /** kind_of: child id → parent ids. */
  parents: Map<number, number[]>;
  /** Nodes without a kind_of parent, sorted by name. */
  roots: number[];
}

/** Indexes the "kind of" hierarchy of the graph (edges from = parent, to = child). */
export function indexTree(graph: TaxonomyGraph): TreeIndex {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const children = new Map<number, number[]>();
  const parents = new Map<number, number[]>();
  for (const edge of graph.edges) {
    if (edge.kind !== "kind_of" || !byId.has(edge.from) || !byId.has(edge.to)) continue;
    children.set(edge.from, [...(children.get(edge.from) ?? []), edge.to]);
    parents.set(edge.to, [...(parents.get(edge.to) ?? []), edge.from]);
  }
  const byName = (a: number, b: number) => (byId.get(a)?.name ?? "").localeCompare(byId.get(b)?.name ?? "");
  for (const list of children.values()) list.sort(byName);
  const roots = graph.nodes.filter((n) => !parents.has(n.id)).map((n) => n.id);
  roots.sort(byName);
  return { byId, children, parents, roots };
}
