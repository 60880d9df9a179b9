import type { ReactNode } from "react";
import type { AnchorPositions, CosineHeatmap, LayerChart, NeuronScatter, SteeringCurves } from "~/server/services/runs/chart-data";
import { fmt } from "./format";

/**
 * Server-rendered tables of the numbers each chart draws: the text alternative, readable without
 * JavaScript. Cells carry the full value in data-value.
 */

function Cell({ v }: { v: number | null | undefined }) {
  return <td data-value={v ?? ""}>{fmt(v)}</td>;
}

export function TableDisclosure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <details className="chart-table">
      <summary>Show table: {label}</summary>
      <div className="table-scroll">{children}</div>
    </details>
  );
}

export function LayerTable({ chart }: { chart: LayerChart }) {
  const series = [...new Set(chart.points.map((p) => p.series))];
  const rows = [...new Map(chart.points.map((p) => [`${p.layer}|${p.hook}`, { layer: p.layer, depth: p.depth, hook: p.hook }])).values()].sort((a, b) => a.layer - b.layer || a.hook.localeCompare(b.hook));
  const value = (layer: number, hook: string, s: string) => chart.points.find((p) => p.layer === layer && p.hook === hook && p.series === s)?.value ?? null;
  return (
    <table className="data-table" data-testid={`table-${chart.id}`}>
      <caption className="visually-hidden">{chart.title}, per layer</caption>
      <thead>
        <tr>
          <th scope="col">Layer</th>
          <th scope="col">Relative depth</th>
          <th scope="col">Hook</th>
          {series.map((s) => (
            <th scope="col" key={s}>
              {s}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.layer}|${r.hook}`} data-layer={r.layer}>
            <th scope="row">{r.layer}</th>
            <td>{r.depth.toFixed(2)}</td>
            <td>
              <code>{r.hook}</code>
            </td>
            {series.map((s) => (
              <Cell key={s} v={value(r.layer, r.hook, s)} />
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SteeringTable({ curves }: { curves: SteeringCurves }) {
  const alphas = [...new Set(curves.points.map((p) => p.alpha))].sort((a, b) => a - b);
  const layers = [...new Set(curves.points.map((p) => p.layer))].sort((a, b) => a - b);
  return (
    <table className="data-table" data-testid={`table-steering-${curves.methodIndex}`}>
      <caption className="visually-hidden">Steering effect ({curves.unit}) per layer and α</caption>
      <thead>
        <tr>
          <th scope="col">Layer</th>
          {alphas.map((a) => (
            <th scope="col" key={a}>
              α = {a}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {layers.map((l) => (
          <tr key={l} data-layer={l}>
            <th scope="row">{l}</th>
            {alphas.map((a) => {
              const p = curves.points.find((q) => q.layer === l && q.alpha === a);
              return <Cell key={a} v={p?.effect ?? null} />;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AnchorsTable({ anchors }: { anchors: AnchorPositions }) {
  const layers = [...new Set(anchors.points.map((p) => p.layer))].sort((a, b) => a - b);
  const queries = [...new Map(anchors.points.map((p) => [p.query, p.label])).entries()];
  return (
    <table className="data-table" data-testid={`table-anchors-${anchors.methodIndex}`}>
      <caption className="visually-hidden">
        Query positions between {anchors.firstName} (0) and {anchors.secondName} (1), per layer
      </caption>
      <thead>
        <tr>
          <th scope="col">Query</th>
          <th scope="col">Label</th>
          {layers.map((l) => (
            <th scope="col" key={l}>
              Layer {l}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {queries.map(([q, label]) => (
          <tr key={q}>
            <th scope="row">{q}</th>
            <td>{label}</td>
            {layers.map((l) => (
              <Cell key={l} v={anchors.points.find((p) => p.query === q && p.layer === l)?.position ?? null} />
            ))}
          </tr>
        ))}
        <tr>
          <th scope="row">{anchors.firstName} (anchor set, leave-one-out)</th>
          <td>first</td>
          {layers.map((l) => (
            <Cell key={l} v={anchors.anchorMeans.find((m) => m.layer === l)?.first ?? null} />
          ))}
        </tr>
        <tr>
          <th scope="row">{anchors.secondName} (anchor set, leave-one-out)</th>
          <td>second</td>
          {layers.map((l) => (
            <Cell key={l} v={anchors.anchorMeans.find((m) => m.layer === l)?.second ?? null} />
          ))}
        </tr>
      </tbody>
    </table>
  );
}

export function HeatmapTable({ heatmap, id }: { heatmap: CosineHeatmap; id: string }) {
  return (
    <table className="data-table" data-testid={`table-${id}`}>
      <caption className="visually-hidden">Cosine between the mean-difference directions of each pair of layers</caption>
      <thead>
        <tr>
          <th scope="col">Layer</th>
          {heatmap.layers.map((l) => (
            <th scope="col" key={l}>
              {l}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {heatmap.cosines.map((row, i) => (
          <tr key={heatmap.layers[i]} data-layer={heatmap.layers[i]}>
            <th scope="row">{heatmap.layers[i]}</th>
            {row.map((v, j) => (
              <Cell key={heatmap.layers[j]} v={v} />
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const NEURON_ROWS = 500;

export function NeuronTable({ map, id }: { map: NeuronScatter; id: string }) {
  const rows = map.points.slice(0, NEURON_ROWS);
  return (
    <>
      <table className="data-table" data-testid={`table-${id}`}>
        <caption className="visually-hidden">Neuron map coordinates, clusters and top snippets</caption>
        <thead>
          <tr>
            <th scope="col">Neuron</th>
            <th scope="col">x</th>
            <th scope="col">y</th>
            <th scope="col">Cluster</th>
            <th scope="col">Cohen&apos;s d</th>
            <th scope="col">Top snippet</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.index}>
              <th scope="row">{p.index}</th>
              <Cell v={p.x} />
              <Cell v={p.y} />
              <td>{p.cluster ?? "—"}</td>
              <Cell v={p.cohensD} />
              <td className="snippet">{p.snippets[0] ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {map.points.length > NEURON_ROWS && <p className="muted">The first {NEURON_ROWS} of {map.points.length} neurons; the artifacts download has them all.</p>}
    </>
  );
}
