"use client";

import { useId, useState } from "react";
import { type ProbeSpec, selectedLayerCount } from "~/server/probes/spec";
import { DEFAULT_MODEL_LAYERS, estimateWork, formatCount, formatDuration, TOKENS_PER_SECOND } from "./estimate";

/** Work before publishing: prompts × tokens × layers × models, and the time at the runtime's measured throughput. */

function interventionForwards(spec: ProbeSpec, nLayers: number, dataPrompts: number): number {
  let total = 0;
  for (const m of spec.methods) {
    if (m.method === "steering" || m.method === "ablation") {
      const layers = m.layers === "all" ? nLayers : new Set(m.layers).size;
      const prompts = m.prompts?.length ?? Math.min(m.maxPrompts, dataPrompts);
      const settings = m.method === "steering" ? m.alphas.length + 1 : 2;
      total += layers * settings * prompts * (m.completions ? 2 : 1);
    }
    if (m.method === "anchors") total += m.first.prompts.length + m.second.prompts.length + m.queries.length;
  }
  return total;
}

export function WorkEstimate({ spec, prompts, avgChars }: { spec: ProbeSpec | null; prompts: number | null; avgChars: number | null }) {
  const id = useId();
  const [models, setModels] = useState("1");
  if (!spec || prompts === null) {
    return (
      <section className="estimate" aria-labelledby={`${id}-h`} data-testid="work-estimate">
        <h3 id={`${id}-h`}>Estimated work</h3>
        <p className="hint">Choose a data set and fix the spec to see an estimate.</p>
      </section>
    );
  }
  const selected = selectedLayerCount(spec.readout.layers);
  const layers = selected ?? DEFAULT_MODEL_LAYERS;
  const nModels = Math.max(1, Math.min(100, Number.parseInt(models, 10) || 1));
  const w = estimateWork({
    prompts,
    avgChars: avgChars ?? 40,
    layers,
    hooks: spec.readout.hooks.length,
    models: nModels,
    interventionForwards: interventionForwards(spec, layers, prompts),
  });
  return (
    <section className="estimate" aria-labelledby={`${id}-h`} data-testid="work-estimate">
      <h3 id={`${id}-h`}>Estimated work</h3>
      <div className="field field--compact">
        <label htmlFor={`${id}-models`}>Hosted models it will run on</label>
        <input id={`${id}-models`} className="input input--short" inputMode="numeric" value={models} onChange={(e) => setModels(e.target.value)} />
      </div>
      <dl className="facts">
        <dt>Prompts</dt>
        <dd>{formatCount(prompts)}</dd>
        <dt>Tokens per prompt</dt>
        <dd>≈ {formatCount(w.tokensPerPrompt)} (characters ÷ 4)</dd>
        <dt>Layers × hooks</dt>
        <dd>
          {layers}
          {selected === null && <> (every layer of stories260K)</>} × {spec.readout.hooks.length}
        </dd>
        <dt>Activations read</dt>
        <dd data-testid="estimate-cells">
          {formatCount(prompts)} × {formatCount(w.tokensPerPrompt)} × {layers * spec.readout.hooks.length} × {nModels} = {formatCount(w.tokenLayers)} token-layers
        </dd>
        <dt>Expected time</dt>
        <dd data-testid="estimate-time">
          {formatDuration(w.seconds)} of model time ({formatCount(w.tokens)} tokens at {formatCount(TOKENS_PER_SECOND)} tokens/s)
        </dd>
      </dl>
      <p className="hint">Throughput measured on stories260K (the demo model); larger models take longer, and queued runs wait their turn.</p>
    </section>
  );
}
