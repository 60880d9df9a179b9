import Link from "next/link";
import { api } from "~/server/trpc/server-caller";
import { RecentActivity } from "./_home/recent-activity";
import { TaxonomyList } from "./_map/taxonomy-list";
import { TaxonomyMap } from "./_map/taxonomy-map";

export default async function HomePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { view } = await searchParams;
  const listView = view === "list";
  const caller = await api();
  const graph = await caller.taxonomy.graph();
  const edgeCount = graph.edges.length;

  return (
    <div className={listView ? "page" : "page page--wide"}>
      <div className={listView ? "page-head" : "page-head page-head--compact"}>
        <div>
          <h1>The map of mechanistic interpretability</h1>
          <p className="lede">
            {graph.nodes.length} techniques and {edgeCount} relations between them. Open a technique for its papers, history and an edit form, or{" "}
            <Link href="/techniques/new" data-testid="propose-technique">
              propose a new technique
            </Link>
            .
          </p>
        </div>
        <nav aria-label="View" className="view-toggle">
          <Link href="/" aria-current={listView ? undefined : "page"} className="view-toggle__item">
            Map
          </Link>
          <Link href="/?view=list" aria-current={listView ? "page" : undefined} className="view-toggle__item" data-testid="view-list">
            List
          </Link>
        </nav>
      </div>
      {listView ? (
        <TaxonomyList graph={graph} />
      ) : (
        <>
          <noscript>
            <p className="notice">
              The interactive map needs JavaScript. <a href="/?view=list">Browse the taxonomy as a list</a> instead.
            </p>
          </noscript>
          <TaxonomyMap graph={graph} />
        </>
      )}
      <RecentActivity />
    </div>
  );
}
