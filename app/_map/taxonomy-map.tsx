"use client";

import { useQuery } from "@tanstack/react-query";
import type { Core, NodeSingular } from "cytoscape";
import { useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useTRPC } from "../_trpc/client";
import { FACET_COLORS, FACETS, facetLabel, UNSPECIFIED, UNSPECIFIED_COLOR, type FacetKey } from "../_lib/facets";
import type { TaxonomyGraph, TaxonomyNode } from "../_lib/types";
import { colorFor, EVIDENCE_BUCKETS, evidenceBucket, facetValue, REPRODUCTION_BUCKETS, reproductionBucket, tint } from "./colors";
import { applyLabelDetail, buildMapModel, currentView, isInView, panFor, showView } from "./cy-map";
import { arrowDirection, nearestInDirection, startingPoint, type Placed } from "./spatial-nav";
import { canvasMeasure, EDGE_STYLES, STYLESHEET } from "./styles";
import { TechniquePanel } from "./technique-panel";
import { indexTree } from "./tree";
import { MAX_ZOOM, MIN_ZOOM, NO_FILTERS, parseMapState, roundedView, serializeMapState, type ColorMode, type HiddenValues, type MapView } from "./url-state";

/** Pan and zoom reach the URL once the view has been still this long. */
const VIEW_URL_DELAY_MS = 400;
/** Width the side panel covers on a wide stage (centring leaves it free). */
const PANEL_WIDTH = 380;

function isVisible(node: TaxonomyNode, hidden: HiddenValues): boolean {
  return FACETS.every((f) => !hidden[f.key].includes(facetValue(node, f.key)));
}

function sameView(a: MapView | null, b: MapView | null): boolean {
  if (!a || !b) return a === b;
  const ra = roundedView(a);
  const rb = roundedView(b);
  return ra.zoom === rb.zoom && ra.x === rb.x && ra.y === rb.y;
}

interface Props {
  graph: TaxonomyGraph;
}

/**
 * The interactive taxonomy: cytoscape map with label level of detail, search, colouring and
 * filters, a side panel, keyboard navigation, and every choice in the URL (see url-state.ts).
 */
export function TaxonomyMap({ graph }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const searchParams = useSearchParams();
  const containerRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const panelHeadingRef = useRef<HTMLHeadingElement>(null);
  const returnFocusRef = useRef<HTMLElement | null>(null);
  const tree = useMemo(() => indexTree(graph), [graph]);
  const idBySlug = useMemo(() => new Map(graph.nodes.map((n) => [n.slug, n.id])), [graph]);

  // The URL is read once, when the map mounts; from then on the map writes it.
  const [initial] = useState(() => parseMapState(new URLSearchParams(searchParams.toString())));
  const [ready, setReady] = useState(false);
  const [colorBy, setColorBy] = useState<ColorMode>(initial.color);
  const [hidden, setHidden] = useState<HiddenValues>(initial.hidden);
  const [showRelations, setShowRelations] = useState(initial.showRelations);
  const [selectedId, setSelectedId] = useState<number | null>(() => (initial.selected ? (idBySlug.get(initial.selected) ?? null) : null));
  const [focusedId, setFocusedId] = useState<number | null>(null);
  /** The view for the URL; null while it is the layout's default view. */
  const [view, setView] = useState<MapView | null>(initial.view);
  /** The latest colour and view, for redrawing the map when the graph changes. */
  const latestRef = useRef({ color: colorBy, view });
  latestRef.current = { color: colorBy, view };
  /** The query string this map last wrote (or read); any other one is a navigation from outside. */
  const ownQueryRef = useRef(searchParams.toString());
  const defaultViewRef = useRef<MapView | null>(null);
  const pinnedRef = useRef<Set<string>>(new Set());
  const [tooltip, setTooltip] = useState<{ name: string; x: number; y: number } | null>(null);
  const [query, setQuery] = useState("");
  const [debounced, setDebounced] = useState("");
  const [resultsOpen, setResultsOpen] = useState(false);
  const [activeIndex, setActiveIndex] = useState(-1);
  const [announcement, setAnnouncement] = useState("");
  const ids = useId();
  const listboxId = `${ids}-results`;
  const hintId = `${ids}-hint`;
  const keysId = `${ids}-keys`;

  const selected = selectedId === null ? null : (tree.byId.get(selectedId) ?? null);

  // ---- cytoscape: created once per graph --------------------------------------------------
  useEffect(() => {
    let cancelled = false;
    let instance: Core | null = null;
    let frame = 0;
    let viewTimer = 0;
    void import("cytoscape").then(({ default: cytoscape }) => {
      const container = containerRef.current;
      if (cancelled || !container) return;
      const stage = { width: container.clientWidth, height: container.clientHeight };
      const model = buildMapModel(graph, tree, stage, latestRef.current.color, canvasMeasure());
      const cy = cytoscape({
        container,
        elements: model.elements,
        style: STYLESHEET,
        layout: { name: "preset" },
        minZoom: MIN_ZOOM,
        maxZoom: MAX_ZOOM,
        boxSelectionEnabled: false,
        autoungrabify: true,
        selectionType: "single",
      });
      instance = cy;
      defaultViewRef.current = model.layout.view;
      showView(cy, latestRef.current.view ?? model.layout.view);
      container.dataset.layout = model.layout.mode;
      applyLabelDetail(cy, pinnedRef.current);

      cy.on("tap", "node", (event) => {
        const id = Number((event.target as NodeSingular).id());
        returnFocusRef.current = containerRef.current;
        setSelectedId(id);
        setFocusedId(id);
      });
      cy.on("tap", (event) => {
        if (event.target === cy) setSelectedId(null);
      });
      cy.on("mouseover", "node", (event) => {
        const node = event.target as NodeSingular;
        if (containerRef.current) containerRef.current.style.cursor = "pointer";
        // A node whose label is too small to draw at this zoom names itself on hover.
        if (node.hasClass("label-hidden")) {
          const p = node.renderedPosition();
          setTooltip({ name: String(node.data("label")), x: p.x, y: p.y - node.renderedOuterHeight() / 2 });
        }
      });
      cy.on("mouseout", "node", () => {
        if (containerRef.current) containerRef.current.style.cursor = "";
        setTooltip(null);
      });
      cy.on("zoom", () => {
        // Labels follow the zoom once per frame, not once per wheel event.
        if (frame) return;
        frame = window.requestAnimationFrame(() => {
          frame = 0;
          applyLabelDetail(cy, pinnedRef.current);
        });
      });
      cy.on("viewport", () => {
        setTooltip(null);
        window.clearTimeout(viewTimer);
        viewTimer = window.setTimeout(() => {
          const now = currentView(cy);
          setView(sameView(now, defaultViewRef.current) ? null : roundedView(now));
        }, VIEW_URL_DELAY_MS);
      });
      cyRef.current = cy;
      setReady(true);
    });
    return () => {
      cancelled = true;
      window.cancelAnimationFrame(frame);
      window.clearTimeout(viewTimer);
      instance?.destroy();
      cyRef.current = null;
      setReady(false);
    };
    // Colour and view are read from latestRef: changing them must not redraw the map.
  }, [graph, tree]);

  // ---- the URL follows the state (replaceState: no navigation, no server round trip) ---------
  const selectedSlug = selected?.slug ?? null;
  useEffect(() => {
    if (!ready) return;
    const params = serializeMapState({ selected: selectedSlug, color: colorBy, hidden, showRelations, view }, new URLSearchParams(window.location.search));
    const qs = params.toString();
    const next = `${window.location.pathname}${qs ? `?${qs}` : ""}${window.location.hash}`;
    ownQueryRef.current = qs;
    if (next !== `${window.location.pathname}${window.location.search}${window.location.hash}`) window.history.replaceState(window.history.state, "", next);
  }, [ready, selectedSlug, colorBy, hidden, showRelations, view]);

  // A navigation to another map URL while the map stays mounted (the header's Map link, a shared
  // link followed inside the app) sets the state from that URL.
  useEffect(() => {
    const qs = searchParams.toString();
    if (qs === ownQueryRef.current) return;
    ownQueryRef.current = qs;
    const next = parseMapState(new URLSearchParams(qs));
    setColorBy(next.color);
    setHidden(next.hidden);
    setShowRelations(next.showRelations);
    setSelectedId(next.selected ? (idBySlug.get(next.selected) ?? null) : null);
    setView(next.view);
    const cy = cyRef.current;
    const target = next.view ?? defaultViewRef.current;
    if (cy && target) showView(cy, target);
  }, [searchParams, idBySlug]);

  const hrefFor = useCallback(
    (slug: string) => {
      const qs = serializeMapState({ selected: slug, color: colorBy, hidden, showRelations, view: null }).toString();
      return `/?${qs}`;
    },
    [colorBy, hidden, showRelations],
  );

  // ---- colour, filters, relations and selection follow React state -------------------------
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
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.elements().removeClass("faded emphasis");
      cy.nodes().unselect();
      const selectedNode = selectedId === null ? null : cy.getElementById(String(selectedId));
      // Cross-links (relations other than the outline's "kind of") only when asked for, or the selection's own.
      cy.edges(".cross").forEach((edge) => {
        const own = selectedNode !== null && (edge.source().same(selectedNode) || edge.target().same(selectedNode));
        edge.toggleClass("off", !(showRelations || own));
      });
      const pinned = new Set<string>();
      if (selectedNode && selectedNode.nonempty()) {
        selectedNode.select();
        const neighbourhood = selectedNode.closedNeighborhood();
        cy.elements().not(neighbourhood).addClass("faded");
        selectedNode.connectedEdges().addClass("emphasis");
        neighbourhood.nodes().forEach((n) => {
          pinned.add(n.id());
        });
      }
      if (focusedId !== null) pinned.add(String(focusedId));
      pinnedRef.current = pinned;
      applyLabelDetail(cy, pinned);
    });
  }, [ready, selectedId, focusedId, showRelations]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.nodes().removeClass("kb-focus");
    if (focusedId !== null) cy.getElementById(String(focusedId)).addClass("kb-focus");
  }, [ready, focusedId]);

  // A selection from the URL with no view of its own is brought into view once the map is drawn.
  const broughtIntoView = useRef(false);
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || broughtIntoView.current) return;
    broughtIntoView.current = true;
    if (selectedId === null || initial.view) return;
    const node = cy.getElementById(String(selectedId));
    if (node.nonempty() && !isInView(cy, node)) cy.viewport({ zoom: cy.zoom(), pan: centredPan(cy, node, cy.zoom()) });
  }, [ready, selectedId, initial.view]);

  const centreOn = useCallback((id: number) => {
    const cy = cyRef.current;
    if (!cy) return;
    const node = cy.getElementById(String(id));
    if (node.empty()) return;
    const zoom = Math.max(cy.zoom(), 0.8);
    cy.animate({ zoom, pan: centredPan(cy, node, zoom) }, { duration: 350 });
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

  const clearSelection = useCallback(() => {
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

  // Escape clears the selection from anywhere on the page.
  useEffect(() => {
    if (selectedId === null) return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === "Escape") clearSelection();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [selectedId, clearSelection]);

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

  // ---- keyboard on the canvas ---------------------------------------------------------------
  // Arrows move to the nearest technique in that direction: the focus ring, and the selection with
  // it once there is one. Enter selects the focused technique; Enter on the selection opens its page.
  function onCanvasKey(e: KeyboardEvent<HTMLDivElement>) {
    const cy = cyRef.current;
    if (!cy) return;
    const direction = arrowDirection(e.key);
    if (direction) {
      e.preventDefault();
      const candidates: Placed<number>[] = [];
      cy.nodes().forEach((n) => {
        if (!n.hasClass("hidden")) candidates.push({ id: Number(n.id()), ...n.position() });
      });
      const fromId = focusedId ?? selectedId;
      const from = candidates.find((c) => c.id === fromId);
      const next = from ? nearestInDirection(from, candidates, direction) : startingPoint(candidates, cy.extent());
      if (next === null) {
        setAnnouncement(`No technique ${direction === "up" ? "above" : direction === "down" ? "below" : `to the ${direction}`}.`);
        return;
      }
      const name = tree.byId.get(next)?.name ?? "";
      setFocusedId(next);
      if (selectedId !== null) {
        returnFocusRef.current = containerRef.current;
        setSelectedId(next);
        setAnnouncement(`${name} selected. Press Enter to open its page.`);
      } else {
        setAnnouncement(`${name}. Press Enter to select it.`);
      }
      const node = cy.getElementById(String(next));
      if (!isInView(cy, node)) cy.animate({ pan: centredPan(cy, node, cy.zoom()) }, { duration: 200 });
    } else if (e.key === "Enter" && (focusedId ?? selectedId) !== null) {
      e.preventDefault();
      const target = focusedId ?? selectedId;
      const node = target === null ? undefined : tree.byId.get(target);
      if (!node) return;
      if (selectedId === node.id) {
        router.push(`/techniques/${node.slug}`);
      } else {
        returnFocusRef.current = containerRef.current;
        setSelectedId(node.id);
        setAnnouncement(`${node.name} selected. Press Enter again to open its page, Escape to clear.`);
      }
    } else if (e.key === "Escape" && selectedId === null && focusedId !== null) {
      setFocusedId(null);
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
    cy.animate({ fit: { eles: cy.nodes().filter((n) => !n.hasClass("hidden")), padding: 48 } }, { duration: 300 });
  }

  function resetView() {
    const cy = cyRef.current;
    const home = defaultViewRef.current;
    if (!cy || !home) return;
    cy.animate({ zoom: home.zoom, pan: panFor(cy, home) }, { duration: 300 });
  }

  function toggleValue(facet: FacetKey, value: string, show: boolean) {
    setHidden((h) => ({ ...h, [facet]: show ? h[facet].filter((v) => v !== value) : [...h[facet], value] }));
  }

  const visibleCount = graph.nodes.filter((n) => isVisible(n, hidden)).length;
  const filtersActive = FACETS.some((f) => hidden[f.key].length > 0);
  const colorFacet = FACETS.find((f) => f.key === colorBy);
  const crossLinkCount = graph.edges.filter((e) => e.kind !== "kind_of").length;

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
                <input type="radio" name={`${ids}-color`} value={f.key} checked={colorBy === f.key} onChange={() => setColorBy(f.key)} data-testid={`color-by-${f.key}`} />
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
          <p className="label">Relations</p>
          <label className="check">
            <input type="checkbox" checked={showRelations} onChange={(e) => setShowRelations(e.target.checked)} data-testid="show-relations" />
            Show other relations ({crossLinkCount})
          </label>
          <p className="hint">Otherwise only the selected technique&apos;s are drawn.</p>
          <ul className="legend legend--edges">
            {Object.entries(EDGE_STYLES).map(([kind, s]) => (
              <li key={kind}>
                <svg width="34" height="10" aria-hidden="true">
                  <line x1="1" y1="5" x2="33" y2="5" stroke={s.color} strokeWidth="2.5" strokeDasharray={s.style === "dashed" ? "6 4" : s.style === "dotted" ? "2 3" : undefined} />
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
          <button type="button" className="icon-button icon-button--wide" onClick={resetView}>
            Reset
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
          aria-label="Taxonomy map"
          aria-describedby={keysId}
          onKeyDown={onCanvasKey}
          onBlur={() => setTooltip(null)}
        />
        <p id={keysId} className="map__keys">
          Arrow keys move between techniques, Enter selects and then opens one, Escape clears, + and − zoom.
        </p>
        {tooltip && (
          <div className="map__tooltip" style={{ left: tooltip.x, top: tooltip.y }} aria-hidden="true">
            {tooltip.name}
          </div>
        )}
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
          <TechniquePanel
            node={selected}
            graph={graph}
            tree={tree}
            headingId={`${ids}-panel-title`}
            headingRef={panelHeadingRef}
            hrefFor={hrefFor}
            onSelect={(id) => openNode(id, containerRef.current)}
            onClose={clearSelection}
          />
        )}
      </div>
    </div>
  );
}

/** The pan that puts a node at the centre of the part of the stage the side panel leaves visible. */
function centredPan(cy: Core, node: NodeSingular, zoom: number): { x: number; y: number } {
  const panelWidth = cy.width() > 700 ? PANEL_WIDTH : 0;
  const p = node.position();
  return { x: (cy.width() - panelWidth) / 2 - p.x * zoom, y: cy.height() / 2 - p.y * zoom };
}
