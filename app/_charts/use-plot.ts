"use client";

import { type DependencyList, type RefObject, useEffect, useRef } from "react";

export type PlotModule = typeof import("@observablehq/plot");

/**
 * Draws an Observable Plot figure into a container after mount (Plot needs the DOM). The library is
 * loaded on demand, so pages without charts never download it; the previous figure is replaced on
 * every change of `deps`.
 */
export function usePlot(make: (plot: PlotModule, width: number) => Element, deps: DependencyList): RefObject<HTMLDivElement | null> {
  const ref = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    let cancelled = false;
    void import("@observablehq/plot").then((plot) => {
      const container = ref.current;
      if (cancelled || !container) return;
      const figure = make(plot, Math.max(320, Math.min(900, container.clientWidth || 640)));
      // Plot names its marks' groups with aria-label ("line", "x-axis tick", a baseline's label);
      // ARIA allows a name only with a role, so they get the one browsers already expose them as.
      for (const g of figure.querySelectorAll("g[aria-label]:not([role])")) g.setAttribute("role", "group");
      container.replaceChildren(figure);
    });
    return () => {
      cancelled = true;
    };
    // The caller lists what the figure depends on (`make` is a new closure on every render).
  }, deps);
  return ref;
}
