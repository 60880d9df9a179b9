"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { type CrossModelState, crossModelHref, parseCrossModelState } from "~/server/services/cross-model/url-state";

export interface ControlOptions {
  versions: Array<{ version: number; published: boolean; latestPublished: boolean }>;
  version: number;
  hooks: string[];
  hook: string | null;
  /** The curves view: claimable metrics the runs measured, and the one shown. */
  metrics?: Array<{ name: string; description: string }>;
  metric?: string | null;
  /** The agreement view: models with a done run, and the pair shown. */
  models?: Array<{ name: string; hasScores: boolean }>;
  a?: string | null;
  b?: string | null;
}

/**
 * The view's settings as a plain GET form (it works without JavaScript: "Show" submits it), which,
 * once the page is interactive, replaces the URL on every change instead: the state lives in the
 * address, so a reload or a shared link shows the same view.
 */
export function AcrossModelsControls({ experimentId, state, options }: { experimentId: number; state: CrossModelState; options: ControlOptions }) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const [pending, startTransition] = useTransition();
  const [interactive, setInteractive] = useState(false);
  useEffect(() => setInteractive(true), []);

  const apply = () => {
    if (!form.current) return;
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form.current)) if (typeof value === "string") params.append(key, value);
    const next = parseCrossModelState(params);
    startTransition(() => router.replace(crossModelHref(experimentId, next), { scroll: false }));
  };

  const curves = state.view === "curves";
  // What the other view uses rides along, so switching views keeps it.
  const carried: Array<[string, string | number | null]> = curves ? [["a", state.a], ["b", state.b]] : [["metric", state.metric], ["x", state.x]];
  const metricKnown = options.metrics?.some((m) => m.name === options.metric) ?? false;

  return (
    <form
      ref={form}
      method="get"
      action={`/experiments/${experimentId}/across-models`}
      className="across-controls"
      aria-label="What to show"
      data-testid="across-controls"
      onChange={apply}
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <input type="hidden" name="view" value={state.view} />
      {carried.map(([key, value]) => (value === null ? null : <input key={key} type="hidden" name={key} value={String(value)} />))}

      <div className="field">
        <label htmlFor="across-version">Experiment version</label>
        <select id="across-version" name="v" className="select" defaultValue={String(options.version)} key={`v${options.version}`}>
          {options.versions.map((v) => (
            <option key={v.version} value={v.version}>
              Version {v.version}
              {v.latestPublished ? " (latest published)" : v.published ? "" : " (draft)"}
            </option>
          ))}
        </select>
      </div>

      {curves && options.metrics && (
        <div className="field">
          <label htmlFor="across-metric">Metric</label>
          <select id="across-metric" name="metric" className="select" defaultValue={options.metric ?? ""} key={`m${options.metric ?? ""}`} disabled={options.metrics.length === 0 && !options.metric}>
            {options.metric && !metricKnown && <option value={options.metric}>{options.metric} (not measured)</option>}
            {options.metrics.length === 0 && !options.metric && <option value="">No metric measured yet</option>}
            {options.metrics.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name} — {m.description}
              </option>
            ))}
          </select>
        </div>
      )}

      {!curves && options.models && (
        <>
          {(["a", "b"] as const).map((side) => (
            <div className="field" key={side}>
              <label htmlFor={`across-${side}`}>{side === "a" ? "Model a (rows)" : "Model b (columns)"}</label>
              <select id={`across-${side}`} name={side} className="select" defaultValue={options[side] ?? ""} key={`${side}${options[side] ?? ""}`} disabled={options.models!.length === 0}>
                {options.models!.length === 0 && <option value="">No finished runs yet</option>}
                {options.models!.map((m) => (
                  <option key={m.name} value={m.name}>
                    {m.name}
                    {m.hasScores ? "" : " (rerun needed)"}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </>
      )}

      {options.hooks.length > 1 ? (
        <div className="field">
          <label htmlFor="across-hook">Read at</label>
          <select id="across-hook" name="hook" className="select" defaultValue={options.hook ?? ""} key={`h${options.hook ?? ""}`}>
            {options.hooks.map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
        </div>
      ) : (
        state.hook !== null && <input type="hidden" name="hook" value={state.hook} />
      )}

      {curves && (
        <fieldset className="field across-axis">
          <legend className="label">X axis</legend>
          <div className="segmented">
            {(
              [
                ["layer", "Layer"],
                ["depth", "Relative depth"],
              ] as const
            ).map(([value, label]) => (
              <label className="segmented__item" key={value}>
                <input type="radio" name="x" value={value} defaultChecked={state.x === value} key={`${value}${state.x}`} />
                <span>{label}</span>
              </label>
            ))}
          </div>
        </fieldset>
      )}

      <div className="actions">
        {!interactive && (
          <button type="submit" className="button button--small">
            Show
          </button>
        )}
        <span className="muted" role="status" aria-live="polite" data-testid="across-status">
          {pending ? "Updating…" : ""}
        </span>
      </div>
    </form>
  );
}
