import Link from "next/link";
import type { TaxonomyGraph } from "../_lib/types";
import { facetLabel } from "../_lib/facets";
import { indexTree, type TreeIndex } from "./tree";

function Branch({ id, tree, path }: { id: number; tree: TreeIndex; path: ReadonlySet<number> }) {
  const node = tree.byId.get(id);
  if (!node) return null;
  const kids = (tree.children.get(id) ?? []).filter((k) => !path.has(k));
  const facets = [node.approach, node.direction, node.unit].filter((f): f is NonNullable<typeof f> => f !== null);
  const nextPath = new Set(path).add(id);
  return (
    <li>
      <Link href={`/techniques/${node.slug}`} className="tree__link">
        {node.name}
      </Link>
      <span className="tree__meta">
        {facets.length > 0 && <span>{facets.map((f) => facetLabel(f)).join(" · ")}</span>}
        <span>
          {node.paperCount} {node.paperCount === 1 ? "paper" : "papers"}
        </span>
        {node.evidence > 0 && (
          <span>
            {node.evidence} {node.evidence === 1 ? "experiment" : "experiments"}
          </span>
        )}
      </span>
      {node.summary && <span className="tree__summary">{node.summary}</span>}
      {kids.length > 0 && (
        <ul>
          {kids.map((k) => (
            <Branch key={k} id={k} tree={tree} path={nextPath} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The taxonomy as nested lists of links: the text view of the map, rendered on the server. */
export function TaxonomyList({ graph }: { graph: TaxonomyGraph }) {
  const tree = indexTree(graph);
  if (graph.nodes.length === 0) return <p className="empty">The taxonomy is empty. Techniques appear here once they are added.</p>;
  return (
    <ul className="tree" data-testid="taxonomy-list">
      {tree.roots.map((id) => (
        <Branch key={id} id={id} tree={tree} path={new Set()} />
      ))}
    </ul>
  );
}
