"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState, type MouseEvent, type Ref } from "react";
import { useTRPC } from "../_trpc/client";
import { FACETS, facetLabel, PAPER_RELATION_LABELS, PAPER_RELATIONS, RELATION_LABELS } from "../_lib/facets";
import { formatAuthors } from "../_lib/format";
import type { RelationKind, TaxonomyGraph, TaxonomyNode } from "../_lib/types";
import { colorFor, reproductionText } from "./colors";
import type { TreeIndex } from "./tree";

/** Relations listed under "Other relations", in this order (kind of is shown as "Kind of" / "Kinds"). */
const OTHER_KINDS: readonly RelationKind[] = ["uses", "alternative_to", "evaluates", "refines"];

/** Papers are fetched once the selection rests, so that arrowing across the map does not fetch every stop. */
const PAPERS_DELAY_MS = 250;

interface Props {
  node: TaxonomyNode;
  graph: TaxonomyGraph;
  tree: TreeIndex;
  headingId: string;
  headingRef: Ref<HTMLHeadingElement>;
  /** The map's address with another technique selected (links work in a new tab, too). */
  hrefFor: (slug: string) => string;
  /** Selects a technique on the map (a plain click on one of the panel's links). */
  onSelect: (id: number) => void;
  onClose: () => void;
}

interface Related {
  id: number;
  name: string;
  slug: string;
}

/** The side panel for the selected technique: facts, kinds, its papers and its other relations. */
export function TechniquePanel({ node, graph, tree, headingId, headingRef, hrefFor, onSelect, onClose }: Props) {
  const trpc = useTRPC();
  const [paperSlug, setPaperSlug] = useState(node.slug);
  useEffect(() => {
    const t = window.setTimeout(() => setPaperSlug(node.slug), PAPERS_DELAY_MS);
    return () => window.clearTimeout(t);
  }, [node.slug]);
  const details = useQuery({ ...trpc.taxonomy.technique.queryOptions({ slug: paperSlug }), enabled: paperSlug === node.slug });
  const papers = details.data && paperSlug === node.slug ? details.data.papers : null;

  const byId = (id: number): Related | null => {
    const n = tree.byId.get(id);
    return n ? { id: n.id, name: n.name, slug: n.slug } : null;
  };
  const parents = (tree.parents.get(node.id) ?? []).map(byId).filter((n): n is Related => n !== null);
  const children = (tree.children.get(node.id) ?? []).map(byId).filter((n): n is Related => n !== null);
  const relations = OTHER_KINDS.flatMap((kind) =>
    (["outgoing", "incoming"] as const).map((direction) => {
      const others = graph.edges
        .filter((e) => e.kind === kind && (direction === "outgoing" ? e.from === node.id : e.to === node.id))
        .map((e) => byId(direction === "outgoing" ? e.to : e.from))
        .filter((n): n is Related => n !== null)
        .sort((a, b) => a.name.localeCompare(b.name));
      return { kind, direction, label: RELATION_LABELS[kind][direction], others };
    }),
  ).filter((r) => r.others.length > 0);

  const select = (id: number) => (e: MouseEvent<HTMLAnchorElement>) => {
    // A plain click moves the selection on the map; modified clicks open the link as usual.
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    onSelect(id);
  };
  const list = (items: Related[]) =>
    items.map((r, i) => (
      <span key={r.id}>
        {i > 0 && ", "}
        <a href={hrefFor(r.slug)} onClick={select(r.id)}>
          {r.name}
        </a>
      </span>
    ));

  return (
    <section className="panel" aria-labelledby={headingId} data-testid="technique-panel">
      <div className="panel__head">
        <h2 id={headingId} ref={headingRef} tabIndex={-1}>
          {node.name}
        </h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close panel (Escape)">
          ×
        </button>
      </div>
      <p className="panel__summary">{node.summary}</p>
      <dl className="facts">
        {FACETS.map((f) => (
          <div key={f.key}>
            <dt>{f.label}</dt>
            <dd>
              <span className="swatch" style={{ background: colorFor(node, f.key) }} aria-hidden="true" /> {facetLabel(node[f.key])}
            </dd>
          </div>
        ))}
        <div>
          <dt>Papers</dt>
          <dd data-testid="panel-paper-count">{node.paperCount}</dd>
        </div>
        <div>
          <dt>Evidence</dt>
          <dd data-testid="panel-evidence">
            <span className="swatch" style={{ background: colorFor(node, "evidence") }} aria-hidden="true" /> {node.evidence === 1 ? "1 experiment" : `${node.evidence} experiments`},{" "}
            {node.evidenceRuns === 1 ? "1 finished run" : `${node.evidenceRuns} finished runs`}
          </dd>
        </div>
        <div>
          <dt>Reproduction</dt>
          <dd data-testid="panel-reproduction">
            <span className="swatch" style={{ background: colorFor(node, "reproduction") }} aria-hidden="true" /> {reproductionText(node)}
          </dd>
        </div>
      </dl>
      {parents.length > 0 && (
        <p className="panel__rel">
          <span className="muted">Kind of:</span> {list(parents)}
        </p>
      )}
      {children.length > 0 && (
        <p className="panel__rel">
          <span className="muted">Kinds:</span> {list(children)}
        </p>
      )}

      <h3 className="panel__subhead">Other relations</h3>
      {relations.length === 0 ? (
        <p className="panel__empty">No relations besides “kind of” yet.</p>
      ) : (
        <ul className="panel__list" data-testid="panel-relations">
          {relations.map((r) => (
            <li key={`${r.kind}-${r.direction}`}>
              <span className="muted">{r.label[0]?.toUpperCase() + r.label.slice(1)}:</span> {list(r.others)}
            </li>
          ))}
        </ul>
      )}

      <h3 className="panel__subhead">Papers</h3>
      {papers === null ? (
        details.isError ? (
          <p className="panel__empty" role="status">
            The papers could not be loaded. Open the technique&apos;s page to see them.
          </p>
        ) : (
          <p className="panel__empty" role="status">
            Loading papers…
          </p>
        )
      ) : papers.length === 0 ? (
        <p className="panel__empty">No papers linked yet.</p>
      ) : (
        <ul className="panel__list panel__papers" data-testid="panel-papers">
          {PAPER_RELATIONS.flatMap((relation) =>
            papers
              .filter((p) => p.relation === relation)
              .map((p) => (
                <li key={`${p.id}-${relation}`}>
                  <span className="panel__badge">{PAPER_RELATION_LABELS[relation]}</span> <Link href={`/papers/${p.id}`}>{p.title}</Link>
                  <span className="panel__meta">
                    {" "}
                    {formatAuthors(p.authors, 2)}
                    {p.year !== null && ` · ${p.year}`}
                  </span>
                </li>
              )),
          )}
        </ul>
      )}

      <Link href={`/techniques/${node.slug}`} className="button" data-testid="panel-open-page">
        Open page
      </Link>
    </section>
  );
}
