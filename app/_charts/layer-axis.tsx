"use client";

import { createContext, type ReactNode, useContext, useState } from "react";

export type LayerAxis = "layer" | "depth";

const LayerAxisContext = createContext<LayerAxis>("layer");

/** The x axis of every per-layer chart inside: absolute layer or relative depth. */
export function useLayerAxis(): LayerAxis {
  return useContext(LayerAxisContext);
}

/** One toggle for all per-layer charts below it (a pressed button: Tab to it, Space or Enter to switch). */
export function LayerAxisSection({ children }: { children: ReactNode }) {
  const [axis, setAxis] = useState<LayerAxis>("layer");
  const relative = axis === "depth";
  return (
    <LayerAxisContext.Provider value={axis}>
      <div className="chart-toolbar">
        <button type="button" className="button button--small button--ghost" aria-pressed={relative} data-testid="depth-toggle" onClick={() => setAxis(relative ? "layer" : "depth")}>
          Relative depth
        </button>
        <span className="muted" role="status" data-testid="x-axis-state">
          X axis: {relative ? "relative depth, layer / (number of layers − 1)" : "absolute layer (block index)"}
        </span>
      </div>
      {children}
    </LayerAxisContext.Provider>
  );
}

export function xAxisLabel(axis: LayerAxis): string {
  return axis === "depth" ? "Relative depth (layer / (layers − 1))" : "Layer (block index)";
}
