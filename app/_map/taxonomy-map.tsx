"use client";

import { useQuery } from "@tanstack/react-query";
import type { Core, ElementDefinition, NodeSingular, StylesheetJson } from "cytoscape";
import Link from "next/link";
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useTRPC } from "../_trpc/client";
import { FACET_COLORS, FACETS, facetLabel, UNSPECIFIED, UNSPECIFIED_COLOR, type FacetKey } from "../_lib/facets";
import type { TaxonomyGraph, TaxonomyNode } from "../_lib/types";
import { layoutForest, NODE_HEIGHT, NODE_WIDTH } from "./layout";
import { indexTree } from "./tree";

type HiddenValues = Record<FacetKey, string[]>;
const NO_FILTERS: HiddenValues = { approach: [], direction: [], unit: [] };

const EDGE_STYLES: Record<string, { color: string; label: string; style: "solid" | "dashed" | "dotted" }> = {
  kind_of: { color: "#7C8794", label: "kind of (parent → child)", style: "solid" },
  uses: { color: "#B26B00", label: "uses", style: "dashed" },
  alternative_to: { color: "#8A5CC2", label: "alternative to", style: "dashed" },
  evaluates: { color: "#1F7A8C", label: "evaluates", style: "dashed" },
};

function facetValue(node: TaxonomyNode, facet: FacetKey): string {
  return node[facet] ?? UNSPECIFIED;
}

/**
 * Colour by one facet, by evidence (how many published experiments exercise the technique), or by
 * reproduction (the share of its experiments' runs whose claims reproduced; see the technique page).
 */
type ColorBy = FacetKey | "evidence" | "reproduction";

const EVIDENCE_BUCKETS: ReadonlyArray<{ min: number; label: string; color: string }> = [
  { min: 4, label: "4 or more experiments", color: "#17663A" },
  { min: 2, label: "2–3 experiments", color: "#3FA66A" },
  { min: 1, label: "1 experiment", color: "#8CCB9F" },
  { min: 0, label: "No evidence yet", color: "#B8BEC6" },
];

function evidenceBucket(count: number) {
  return EVIDENCE_BUCKETS.find((b) => count >= b.min) ?? EVIDENCE_BUCKETS[EVIDENCE_BUCKETS.length - 1]!;
}

/** Reproduction rate buckets, in the verdict badges' colours (reproduced green, partly amber, not reproduced red). */
const REPRODUCTION_BUCKETS: ReadonlyArray<{ min: number | null; label: string; color: string }> = [
  { min: 0.8, label: "80% or more reproduced", color: "#17663A" },
  { min: 0.5, label: "50–80% reproduced", color: "#C78A00" },
  { min: 0, label: "Under 50% reproduced", color: "#B42318" },
  { min: null, label: "Not checked yet", color: "#B8BEC6" },
];

function reproductionBucket(rate: number | null) {
  return REPRODUCTION_BUCKETS.find((b) => (rate === null ? b.min === null : b.min !== null && rate >= b.min)) ?? REPRODUCTION_BUCKETS[REPRODUCTION_BUCKETS.length - 1]!;
}

/** "67% over 3 checked runs" / "not checked yet". */
function reproductionText(node: TaxonomyNode): string {
  if (node.reproduction === null) return "not checked yet";
  return `${Math.round(node.reproduction * 100)}% over ${node.reproductionRuns === 1 ? "1 checked run" : `${node.reproductionRuns} checked runs`}`;
}

function colorFor(node: TaxonomyNode, facet: ColorBy): string {
  if (facet === "evidence") return evidenceBucket(node.evidence).color;
  if (facet === "reproduction") return reproductionBucket(node.reproduction).color;
  const value = node[facet];
  return value === null ? UNSPECIFIED_COLOR : (FACET_COLORS[facet][value] ?? UNSPECIFIED_COLOR);
}

/** Mixes a hex colour with white: a light fill that keeps dark label text readable. */
function tint(hex: string, amount: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount);
  const r = mix((n >> 16) & 255);
  const g = mix((n >> 8) & 255);
  const b = mix(n & 255);
  return `rgb(${r}, ${g}, ${b})`;
}

function isVisible(node: TaxonomyNode, hidden: HiddenValues): boolean {
  return FACETS.every((f) => !hidden[f.key].includes(facetValue(node, f.key)));
}

const STYLESHEET: StylesheetJson = [
  {
    selector: "node",
    style: {
      shape: "round-rectangle",
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      "background-color": "data(fill)",
      "border-color": "data(color)",
      "border-width": 3,
      label: "data(label)",
      color: "#17202A",
      "font-family": "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif",
      "font-size": 14,
      "font-weight": 600,
      "text-wrap": "wrap",
      "text-max-width": `${NODE_WIDTH - 18}px`,
      "text-valign": "center",
      "text-halign": "center",
      "min-zoomed-font-size": 5,
    },
  },
  { selector: "node.root", style: { "font-size": 16, "font-weight": 700, "border-width": 4, height: NODE_HEIGHT + 6 } },
  { selector: "node.hidden", style: { display: "none" } },
  { selector: "node.faded", style: { opacity: 0.35 } },
  { selector: "edge.faded", style: { opacity: 0.12 } },
  {
    selector: "node:selected",
    style: { "border-width": 5, "border-color": "#111827", "underlay-color": "#F2C94C", "underlay-opacity": 0.55, "underlay-padding": 6 },
  },
  { selector: "node.kb-focus", style: { "outline-width": 4, "outline-color": "#1D4ED8", "outline-offset": 4, "outline-opacity": 1 } },
  {
    selector: "edge",
    style: {
      width: 2,
      "curve-style": "bezier",
      "target-arrow-shape": "triangle",
      "arrow-scale": 1,
      "line-color": "data(color)",
      "target-arrow-color": "data(color)",
    },
  },
  { selector: "edge[kind = 'kind_of']", style: { width: 2, "curve-style": "taxi", "taxi-direction": "rightward", "taxi-turn": 40, "taxi-radius": 8 } },
  {
    selector: "edge[kind != 'kind_of']",
    style: { "line-style": "dashed", "line-dash-pattern": [6, 5], width: 1.4, opacity: 0.4, "arrow-scale": 0.8, "curve-style": "bezier" },
  },
  { selector: "edge.hidden-relation", style: { display: "none" } },
  { selector: "edge.emphasis", style: { opacity: 1, width: 2.6, "z-index": 10 } },
];

interface Props {
  graph: TaxonomyGraph;
}

/** The interactive taxonomy: cytoscape map, search, facet colouring and filters, and a side panel. */
export function TaxonomyMap({ graph }: Props) {
  const trpc = useTRPC();
  const containerRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const panelHeadingRef = useRef<HTMLHeadingElement>(null);
  const returnFocusRef = useRef<HTMLElement | null>(null);
  const [ready, setReady] = useState(false);
  const [colorBy, setColorBy] = useState<ColorBy>("approach");
  const [hidden, setHidden] = useState<HiddenValues>(NO_FILTERS);
  const [showRelations, setShowRelations] = useState(true);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [focusedId, setFocusedId] = useState<number | null>(null);
  const [query, setQuery] = useState("");
  const [debounced, setDebounced] = useState("");
  const [resultsOpen, setResultsOpen] = useState(false);
  const [activeIndex, setActiveIndex] = useState(-1);
  const [announcement, setAnnouncement] = useState("");
  const ids = useId();
  const listboxId = `${ids}-results`;
  const hintId = `${ids}-hint`;

  const tree = useMemo(() => indexTree(graph), [graph]);
  const selected = selectedId === null ? null : (tree.byId.get(selectedId) ?? null);

  // ---- cytoscape: created once per graph --------------------------------------------------
  useEffect(() => {
    let cancelled = false;
    let instance: Core | null = null;
    void import("cytoscape").then(({ default: cytoscape }) => {
      if (cancelled || !containerRef.current) return;
      const elements: ElementDefinition[] = [
        ...graph.nodes.map((n) => {
          const color = colorFor(n, "approach");
          return {
            group: "nodes" as const,
            data: { id: String(n.id), slug: n.slug, label: n.name, color, fill: tint(color, 0.82) },
            classes: tree.parents.has(n.id) ? "" : "root",
          };
        }),
        ...graph.edges
          .filter((e) => tree.byId.has(e.from) && tree.byId.has(e.to))
          .map((e, i) => ({
            group: "edges" as const,
            data: { id: `e${i}`, source: String(e.from), target: String(e.to), kind: e.kind, color: EDGE_STYLES[e.kind]?.color ?? "#888" },
          })),
      ];
      const cy = cytoscape({
        container: containerRef.current,
        elements,
        style: STYLESHEET,
        minZoom: 0.1,
        maxZoom: 2.5,
        boxSelectionEnabled: false,
        autoungrabify: true,
        selectionType: "single",
      });
      instance = cy;
      // Only "kind of" edges shape the hierarchy; other relations are drawn over it.
      layoutForest(cy, tree);
      cy.on("tap", "node", (event) => {
        const id = Number((event.target as NodeSingular).id());
        returnFocusRef.current = containerRef.current;
        setSelectedId(id);
        setFocusedId(id);
      });
      cy.on("tap", (event) => {
        if (event.target === cy) setSelectedId(null);
      });
      cy.on("mouseover", "node", () => {
        if (containerRef.current) containerRef.current.style.cursor = "pointer";
      });
      cy.on("mouseout", "node", () => {
        if (containerRef.current) containerRef.current.style.cursor = "";
      });
      cyRef.current = cy;
      setReady(true);
    });
    return () => {
      cancelled = true;
      instance?.destroy();
      cyRef.current = null;
      setReady(false);
    };
  }, [graph, tree]);

  // ---- colour, filters and selection follow React state -----------------------------------
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      for (const n of graph.nodes) {
        const ele = cy.getElementById(String(n.id));
        const color = colorFor(n, colorBy);
        ele.data({ color, fill: tint(color, 0.82) });
        ele.toggleClass("hidden", !isVisible(n, hidden));
      }
    });
  }, [ready, graph, colorBy, hidden]);

  useEffect(() => {
    cyRef.current?.edges("[kind != 'kind_of']").toggleClass("hidden-relation", !showRelations);
  }, [ready, showRelations]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.elements().removeClass("faded emphasis");
      cy.nodes().unselect();
      if (selectedId !== null) {
        const node = cy.getElementById(String(selectedId));
        node.select();
        const neighbourhood = node.closedNeighborhood();
        cy.elements().not(neighbourhood).addClass("faded");
        node.connectedEdges().addClass("emphasis");
      }
    });
  }, [ready, selectedId]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.nodes().removeClass("kb-focus");
    if (focusedId !== null) cy.getElementById(String(focusedId)).addClass("kb-focus");
  }, [ready, focusedId]);

  const centreOn = useCallback((id: number) => {
    const cy = cyRef.current;
    if (!cy) return;
    const node = cy.getElementById(String(id));
    if (node.empty()) return;
    // Centre it in the part of the stage the side panel leaves visible.
    const zoom = Math.max(cy.zoom(), 1.1);
    const panelWidth = cy.width() > 700 ? 380 : 0;
    const p = node.position();
    const pan = { x: (cy.width() - panelWidth) / 2 - p.x * zoom, y: cy.height() / 2 - p.y * zoom };
    cy.animate({ zoom, pan }, { duration: 350 });
  }, []);

  const openNode = useCallback(
    (id: number, from: HTMLElement | null) => {
      const node = tree.byId.get(id);
      if (!node) return;
      // A result hidden by the filters is shown again rather than opened invisibly.
      if (!isVisible(node, hidden)) setHidden(NO_FILTERS);
      returnFocusRef.current = from;
      setSelectedId(id);
      setFocusedId(id);
      centreOn(id);
      setAnnouncement(`${node.name} selected.`);
      // Let the panel render, then move focus into it.
      window.setTimeout(() => panelHeadingRef.current?.focus(), 0);
    },
    [tree, hidden, centreOn],
  );

  const closePanel = useCallback(() => {
    setSelectedId(null);
    const back = returnFocusRef.current;
    // Return focus to where it came from, unless the user has already moved it elsewhere.
    if (back) {
      window.setTimeout(() => {
        const active = document.activeElement;
        if (!active || active === document.body) back.focus();
      }, 0);
    }
  }, []);

  // Escape closes the panel from anywhere on the page.
  useEffect(() => {
    if (selectedId === null) return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === "Escape") closePanel();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [selectedId, closePanel]);

  // ---- search -----------------------------------------------------------------------------
  useEffect(() => {
    const t = window.setTimeout(() => setDebounced(query.trim()), 200);
    return () => window.clearTimeout(t);
  }, [query]);

  const search = useQuery({ ...trpc.taxonomy.search.queryOptions({ query: debounced, limit: 8 }), enabled: debounced.length > 0 });
  const results = debounced.length > 0 ? (search.data ?? []) : [];
  const showResults = resultsOpen && debounced.length > 0;

  useEffect(() => setActiveIndex(-1), [debounced]);

  function choose(index: number) {
    const hit = results[index];
    if (!hit) return;
    setResultsOpen(false);
    setQuery(hit.name);
    openNode(hit.id, searchRef.current);
  }

  function onSearchKey(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setResultsOpen(true);
      setActiveIndex((i) => (results.length === 0 ? -1 : (i + 1) % results.length));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setResultsOpen(true);
      setActiveIndex((i) => (results.length === 0 ? -1 : i <= 0 ? results.length - 1 : i - 1));
    } else if (e.key === "Enter") {
      e.preventDefault();
      choose(activeIndex >= 0 ? activeIndex : 0);
    } else if (e.key === "Escape" && showResults) {
      e.stopPropagation();
      setResultsOpen(false);
    }
  }

  // ---- keyboard on the canvas: arrows move between techniques, Enter opens -----------------
  const visibleOrder = useCallback((): number[] => {
    const cy = cyRef.current;
    if (!cy) return [];
    const nodes: NodeSingular[] = [];
    cy.nodes().forEach((n) => {
      if (!n.hasClass("hidden")) nodes.push(n);
    });
    return nodes.sort((a, b) => a.position("y") - b.position("y") || a.position("x") - b.position("x")).map((n) => Number(n.id()));
  }, []);

  function onCanvasKey(e: KeyboardEvent<HTMLDivElement>) {
    const cy = cyRef.current;
    if (!cy) return;
    if (["ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp"].includes(e.key)) {
      e.preventDefault();
      const order = visibleOrder();
      if (order.length === 0) return;
      const at = focusedId === null ? -1 : order.indexOf(focusedId);
      const forward = e.key === "ArrowRight" || e.key === "ArrowDown";
      const next = order[at === -1 ? 0 : (at + (forward ? 1 : -1) + order.length) % order.length];
      if (next === undefined) return;
      setFocusedId(next);
      const node = cy.getElementById(String(next));
      if (!node.visible() || !isInView(cy, node)) cy.animate({ center: { eles: node } }, { duration: 200 });
      const name = tree.byId.get(next)?.name ?? "";
      setAnnouncement(`${name}, ${order.indexOf(next) + 1} of ${order.length}. Press Enter to open.`);
    } else if (e.key === "Enter" && focusedId !== null) {
      e.preventDefault();
      openNode(focusedId, containerRef.current);
    } else if (e.key === "+" || e.key === "=") {
      zoomBy(1.25);
    } else if (e.key === "-") {
      zoomBy(0.8);
    }
  }

  function zoomBy(factor: number) {
    const cy = cyRef.current;
    if (!cy) return;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }

  function fitAll() {
    const cy = cyRef.current;
    if (!cy) return;
    cy.animate({ fit: { eles: cy.nodes().filter((n) => !n.hasClass("hidden")), padding: 24 } }, { duration: 300 });
  }

  function toggleValue(facet: FacetKey, value: string, show: boolean) {
    setHidden((h) => ({ ...h, [facet]: show ? h[facet].filter((v) => v !== value) : [...h[facet], value] }));
  }

  const visibleCount = graph.nodes.filter((n) => isVisible(n, hidden)).length;
  const filtersActive = FACETS.some((f) => hidden[f.key].length > 0);
  const colorFacet = FACETS.find((f) => f.key === colorBy);
  const parentsOf = (id: number) => (tree.parents.get(id) ?? []).map((p) => tree.byId.get(p)).filter((n): n is TaxonomyNode => n !== undefined);
  const childrenOf = (id: number) => (tree.children.get(id) ?? []).map((c) => tree.byId.get(c)).filter((n): n is TaxonomyNode => n !== undefined);

  return (
    <div className="map">
      <aside className="map__controls" aria-label="Map controls">
        <div className="combo">
          <label htmlFor={`${ids}-search`} className="label">
            Find a technique
          </label>
          <input
            ref={searchRef}
            id={`${ids}-search`}
            type="search"
            className="input"
            placeholder="e.g. steering, logit lens"
            autoComplete="off"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={showResults}
            aria-controls={listboxId}
            aria-activedescendant={showResults && activeIndex >= 0 ? `${listboxId}-${activeIndex}` : undefined}
            aria-describedby={hintId}
            data-testid="map-search"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setResultsOpen(true);
            }}
            onBlur={() =>
              window.setTimeout(() => {
                if (document.activeElement !== searchRef.current) setResultsOpen(false);
              }, 150)
            }
            onKeyDown={onSearchKey}
          />
          <p id={hintId} className="hint">
            Arrow keys choose a result, Enter opens it.
          </p>
          {showResults && (
            <ul id={listboxId} role="listbox" className="combo__list" aria-label="Matching techniques" data-testid="map-search-results">
              {search.isFetching && results.length === 0 && <li className="combo__status">Searching…</li>}
              {search.isError && <li className="combo__status">Search failed. Try again.</li>}
              {!search.isFetching && search.isSuccess && results.length === 0 && <li className="combo__status">No technique matches “{debounced}”.</li>}
              {results.map((r, i) => (
                <li
                  key={r.id}
                  id={`${listboxId}-${i}`}
                  role="option"
                  aria-selected={i === activeIndex}
                  className="combo__option"
                  onMouseDown={(e) => e.preventDefault()}
                  onMouseEnter={() => setActiveIndex(i)}
                  onClick={() => choose(i)}
                >
                  <span className="combo__name">{r.name}</span>
                  <span className="combo__summary">{r.summary}</span>
                </li>
              ))}
            </ul>
          )}
        </div>

        <fieldset className="control-group">
          <legend>Colour by</legend>
          <div className="segmented">
            {FACETS.map((f) => (
              <label key={f.key} className="segmented__item">
                <input type="radio" name={`${ids}-color`} value={f.key} checked={colorBy === f.key} onChange={() => setColorBy(f.key)} />
                <span>{f.label}</span>
              </label>
            ))}
            <label className="segmented__item">
              <input type="radio" name={`${ids}-color`} value="evidence" checked={colorBy === "evidence"} onChange={() => setColorBy("evidence")} data-testid="color-by-evidence" />
              <span>Evidence</span>
            </label>
            <label className="segmented__item">
              <input type="radio" name={`${ids}-color`} value="reproduction" checked={colorBy === "reproduction"} onChange={() => setColorBy("reproduction")} data-testid="color-by-reproduction" />
              <span>Reproduction</span>
            </label>
          </div>
          {colorBy === "evidence" && (
            <ul className="legend" aria-label="Colours: evidence (published experiments exercising the technique)" data-testid="map-legend">
              {EVIDENCE_BUCKETS.map((b) => (
                <li key={b.label}>
                  <span className="swatch" style={{ background: b.color }} aria-hidden="true" />
                  {b.label} <span className="muted">({graph.nodes.filter((n) => evidenceBucket(n.evidence) === b).length})</span>
                </li>
              ))}
            </ul>
          )}
          {colorBy === "reproduction" && (
            <>
              <ul className="legend" aria-label="Colours: reproduction rate of the technique's experiments" data-testid="map-legend">
                {REPRODUCTION_BUCKETS.map((b) => (
                  <li key={b.label}>
                    <span className="swatch" style={{ background: b.color }} aria-hidden="true" />
                    {b.label} <span className="muted">({graph.nodes.filter((n) => reproductionBucket(n.reproduction) === b).length})</span>
                  </li>
                ))}
              </ul>
              <p className="hint">Rate = (reproduced + ½ × partly) ÷ checked runs, over each published experiment&apos;s latest finished run per model.</p>
            </>
          )}
          {colorFacet && (
            <ul className="legend" aria-label={`Colours: ${colorFacet.label}`} data-testid="map-legend">
              {[...colorFacet.values, UNSPECIFIED].map((v) => (
                <li key={v}>
                  <span className="swatch" style={{ background: v === UNSPECIFIED ? UNSPECIFIED_COLOR : FACET_COLORS[colorFacet.key][v] }} aria-hidden="true" />
                  {facetLabel(v)}
                </li>
              ))}
            </ul>
          )}
        </fieldset>

        <details className="control-group filters" open>
          <summary>
            Filters{" "}
            <span className="muted">
              ({visibleCount} of {graph.nodes.length} shown)
            </span>
          </summary>
          {FACETS.map((f) => (
            <fieldset key={f.key} className="filter">
              <legend>{f.label}</legend>
              {[...f.values, UNSPECIFIED].map((v) => (
                <label key={v} className="check">
                  <input type="checkbox" checked={!hidden[f.key].includes(v)} onChange={(e) => toggleValue(f.key, v, e.target.checked)} />
                  {facetLabel(v)}
                </label>
              ))}
            </fieldset>
          ))}
          {filtersActive && (
            <button type="button" className="button button--small button--ghost" onClick={() => setHidden(NO_FILTERS)}>
              Show all
            </button>
          )}
        </details>

        <div className="control-group">
          <p className="label">Edges</p>
          <label className="check">
            <input type="checkbox" checked={showRelations} onChange={(e) => setShowRelations(e.target.checked)} />
            Show uses / alternative / evaluates
          </label>
          <ul className="legend legend--edges">
            {Object.entries(EDGE_STYLES).map(([kind, s]) => (
              <li key={kind}>
                <svg width="34" height="10" aria-hidden="true">
                  <line x1="1" y1="5" x2="33" y2="5" stroke={s.color} strokeWidth="2.5" strokeDasharray={s.style === "dashed" ? "6 4" : undefined} />
                </svg>
                {s.label}
              </li>
            ))}
          </ul>
        </div>
      </aside>

      <div className="map__stage">
        <div className="map__toolbar" role="toolbar" aria-label="Zoom">
          <button type="button" className="icon-button" onClick={() => zoomBy(1.25)} aria-label="Zoom in">
            +
          </button>
          <button type="button" className="icon-button" onClick={() => zoomBy(0.8)} aria-label="Zoom out">
            −
          </button>
          <button type="button" className="icon-button icon-button--wide" onClick={fitAll}>
            Fit
          </button>
        </div>
        <div
          ref={containerRef}
          className="map__canvas"
          data-testid="map-canvas"
          data-ready={ready ? "true" : "false"}
          tabIndex={0}
          role="application"
          aria-roledescription="taxonomy map"
          aria-label="Taxonomy map. Arrow keys move between techniques, Enter opens one, plus and minus zoom."
          onKeyDown={onCanvasKey}
        />
        {!ready && (
          <div className="map__loading" role="status">
            <span className="spinner" aria-hidden="true" /> Drawing the map…
          </div>
        )}
        {visibleCount === 0 && ready && (
          <p className="map__empty" role="status">
            {graph.nodes.length === 0 ? "The taxonomy is empty." : "No technique matches these filters."}
          </p>
        )}
        <p className="visually-hidden" aria-live="polite">
          {announcement}
        </p>

        {selected && (
          <section className="panel" aria-labelledby={`${ids}-panel-title`} data-testid="technique-panel">
            <div className="panel__head">
              <h2 id={`${ids}-panel-title`} ref={panelHeadingRef} tabIndex={-1}>
                {selected.name}
              </h2>
              <button type="button" className="icon-button" onClick={closePanel} aria-label="Close panel (Escape)">
                ×
              </button>
            </div>
            <p className="panel__summary">{selected.summary}</p>
            <dl className="facts">
              {FACETS.map((f) => (
                <div key={f.key}>
                  <dt>{f.label}</dt>
                  <dd>
                    <span className="swatch" style={{ background: colorFor(selected, f.key) }} aria-hidden="true" /> {facetLabel(selected[f.key])}
                  </dd>
                </div>
              ))}
              <div>
                <dt>Papers</dt>
                <dd data-testid="panel-paper-count">{selected.paperCount}</dd>
              </div>
              <div>
                <dt>Evidence</dt>
                <dd data-testid="panel-evidence">
                  <span className="swatch" style={{ background: colorFor(selected, "evidence") }} aria-hidden="true" /> {selected.evidence === 1 ? "1 experiment" : `${selected.evidence} experiments`}, {selected.evidenceRuns === 1 ? "1 finished run" : `${selected.evidenceRuns} finished runs`}
                </dd>
              </div>
              <div>
                <dt>Reproduction</dt>
                <dd data-testid="panel-reproduction">
                  <span className="swatch" style={{ background: colorFor(selected, "reproduction") }} aria-hidden="true" /> {reproductionText(selected)}
                </dd>
              </div>
            </dl>
            {parentsOf(selected.id).length > 0 && (
              <p className="panel__rel">
                <span className="muted">Kind of:</span>{" "}
                {parentsOf(selected.id).map((p, i) => (
                  <span key={p.id}>
                    {i > 0 && ", "}
                    <button type="button" className="linklike" onClick={() => openNode(p.id, containerRef.current)}>
                      {p.name}
                    </button>
                  </span>
                ))}
              </p>
            )}
            {childrenOf(selected.id).length > 0 && (
              <p className="panel__rel">
                <span className="muted">Kinds:</span>{" "}
                {childrenOf(selected.id).map((c, i) => (
                  <span key={c.id}>
                    {i > 0 && ", "}
                    <button type="button" className="linklike" onClick={() => openNode(c.id, containerRef.current)}>
                      {c.name}
                    </button>
                  </span>
                ))}
              </p>
            )}
            <Link href={`/techniques/${selected.slug}`} className="button" data-testid="panel-open-page">
              Open page
            </Link>
          </section>
        )}
      </div>
    </div>
  );
}

function isInView(cy: Core, node: NodeSingular): boolean {
  const ext = cy.extent();
  const p = node.position();
  return p.x >= ext.x1 && p.x <= ext.x2 && p.y >= ext.y1 && p.y <= ext.y2;
}
