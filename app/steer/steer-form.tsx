"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { FocusedFormError } from "../_components/focused-form-error";
import { FieldError, invalidProps } from "../_components/form-bits";
import { errorInfo } from "../_lib/errors";
import { useTRPC } from "../_trpc/client";
import styles from "./steer.module.css";

export interface SteerModelOption {
  id: number;
  name: string;
  layers: number | null;
}

const PROMPT_MAX = 2000;
const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0);

/**
 * The /steer form: a model, a prompt, a direction (a run's stored diffmean direction, found by
 * experiment title or technique, or two sets of prompts), the layer and strength. Submitting
 * returns the stored result for the same parameters or queues a new one; either way the page moves
 * to its permalink.
 */
export function SteerForm({ models }: { models: SteerModelOption[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [modelId, setModelId] = useState<number>(models[0]?.id ?? 0);
  const model = models.find((m) => m.id === modelId) ?? null;
  const [prompt, setPrompt] = useState("Once upon a time, there was a little girl named Lily.");
  const [kind, setKind] = useState<"run" | "meanDifference">("run");
  const [query, setQuery] = useState("");
  const [debounced, setDebounced] = useState("");
  const [page, setPage] = useState(1);
  const [runId, setRunId] = useState<number | null>(null);
  const [runLayers, setRunLayers] = useState<number[]>([]);
  const [positive, setPositive] = useState("");
  const [negative, setNegative] = useState("");
  const [layer, setLayer] = useState<string>("");
  const [strength, setStrength] = useState("8");
  const [maxNewTokens, setMaxNewTokens] = useState("24");
  const [missingRun, setMissingRun] = useState(false);

  useEffect(() => {
    const t = window.setTimeout(() => {
      setDebounced(query.trim());
      setPage(1);
    }, 250);
    return () => window.clearTimeout(t);
  }, [query]);

  const directions = useQuery({
    ...trpc.steer.directions.queryOptions({ modelId: modelId || undefined, ...(debounced ? { q: debounced } : {}), page }),
    enabled: kind === "run" && modelId > 0,
    placeholderData: keepPreviousData,
  });

  const layerChoices = kind === "run" ? runLayers : Array.from({ length: model?.layers ?? 0 }, (_, i) => i);
  // The chosen layer while it is one of the direction's; otherwise the middle of its layers.
  const layerValue = layerChoices.includes(Number(layer)) && layer !== "" ? layer : layerChoices.length > 0 ? String(layerChoices[Math.floor(layerChoices.length / 2)]) : "";

  const request = useMutation(trpc.steer.request.mutationOptions({ onSuccess: (r) => router.push(`/steer/${r.id}`) }));
  const err = request.error ? errorInfo(request.error) : null;
  const field = (name: string) => err?.fieldErrors[name];

  function submit(e: FormEvent) {
    e.preventDefault();
    if (kind === "run" && runId === null) {
      setMissingRun(true);
      return;
    }
    setMissingRun(false);
    const direction = kind === "run" ? { kind: "run" as const, runId: runId ?? 0 } : { kind: "meanDifference" as const, positive: lines(positive), negative: lines(negative) };
    request.mutate({
      modelId,
      prompt,
      direction,
      layer: layerValue === "" ? -1 : Number(layerValue),
      strength: strength.trim() === "" ? Number.NaN : Number(strength),
      maxNewTokens: maxNewTokens.trim() === "" ? Number.NaN : Number(maxNewTokens),
    });
  }

  const items = directions.data?.items ?? [];
  return (
    <form className={`form ${styles.form}`} onSubmit={submit} noValidate data-testid="steer-form">
      <div className="field">
        <label htmlFor="steer-model">Model</label>
        <select
          id="steer-model"
          value={modelId}
          onChange={(e) => {
            setModelId(Number(e.target.value));
            setRunId(null);
            setRunLayers([]);
          }}
          {...invalidProps("steer-model-error", field("modelId"))}
        >
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} ({m.layers} layers)
            </option>
          ))}
        </select>
        <FieldError id="steer-model-error" message={field("modelId")} />
      </div>

      <div className="field">
        <label htmlFor="steer-prompt">Prompt</label>
        <textarea id="steer-prompt" rows={3} maxLength={PROMPT_MAX} value={prompt} onChange={(e) => setPrompt(e.target.value)} {...invalidProps("steer-prompt-error", field("prompt"), "steer-prompt-hint")} />
        <p id="steer-prompt-hint" className="hint">
          Up to {PROMPT_MAX.toLocaleString("en-US")} characters; the model continues it.
        </p>
        <FieldError id="steer-prompt-error" message={field("prompt")} />
      </div>

      <fieldset className={styles.fieldset}>
        <legend>Direction</legend>
        <div className={styles.choices}>
          <label>
            <input type="radio" name="steer-kind" checked={kind === "run"} onChange={() => setKind("run")} /> A run&apos;s diffmean direction
          </label>
          <label>
            <input type="radio" name="steer-kind" checked={kind === "meanDifference"} onChange={() => setKind("meanDifference")} /> The difference of two prompt sets
          </label>
        </div>

        {kind === "run" ? (
          <>
            <div className="field">
              <label htmlFor="steer-direction-search">Search directions</label>
              <input id="steer-direction-search" type="search" maxLength={200} value={query} onChange={(e) => setQuery(e.target.value)} aria-describedby="steer-direction-hint" />
              <p id="steer-direction-hint" className="hint">
                Finished runs on this model that stored a diffmean direction, by experiment title or technique.
              </p>
            </div>
            {directions.isError ? (
              <p className="notice notice--error" role="alert">
                {errorInfo(directions.error).message}
              </p>
            ) : directions.isPending ? (
              <p className="muted">Loading directions…</p>
            ) : items.length === 0 ? (
              <p className="empty" data-testid="steer-directions-empty">
                {debounced ? `No run on this model with a diffmean direction matches “${debounced}”.` : "No run on this model has stored a diffmean direction yet. Publish an experiment with the diffmean method, or use two prompt sets."}
              </p>
            ) : (
              <ul className={styles.directions} data-testid="steer-directions" aria-label="Directions">
                {items.map((d) => (
                  <li key={d.runId}>
                    <label>
                      <input
                        type="radio"
                        name="steer-run"
                        value={d.runId}
                        checked={runId === d.runId}
                        onChange={() => {
                          setRunId(d.runId);
                          setMissingRun(false);
                          setRunLayers(d.layers);
                        }}
                      />{" "}
                      <strong>{d.title}</strong>{" "}
                      <span className="muted">
                        v{d.version} · run #{d.runId} · layers {d.layers.join(", ")}
                        {d.techniques.length > 0 ? ` · ${d.techniques.join(", ")}` : ""}
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            )}
            {directions.data && directions.data.pageCount > 1 && (
              <div className="actions">
                <button type="button" className="button button--ghost button--small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                  ← Previous
                </button>
                <span className="muted">
                  Page {directions.data.page} of {directions.data.pageCount}
                </span>
                <button type="button" className="button button--ghost button--small" disabled={page >= directions.data.pageCount} onClick={() => setPage(page + 1)}>
                  Next →
                </button>
              </div>
            )}
            <FieldError id="steer-run-error" message={missingRun ? "Choose a direction from the list." : field("direction.runId")} />
          </>
        ) : (
          <div className={styles.contrast}>
            <div className="field">
              <label htmlFor="steer-positive">Positive prompts (one per line)</label>
              <textarea id="steer-positive" rows={4} value={positive} onChange={(e) => setPositive(e.target.value)} {...invalidProps("steer-positive-error", field("direction.positive"))} />
              <FieldError id="steer-positive-error" message={field("direction.positive")} />
            </div>
            <div className="field">
              <label htmlFor="steer-negative">Negative prompts (one per line)</label>
              <textarea id="steer-negative" rows={4} value={negative} onChange={(e) => setNegative(e.target.value)} {...invalidProps("steer-negative-error", field("direction.negative"))} />
              <FieldError id="steer-negative-error" message={field("direction.negative")} />
            </div>
            <p className="hint">The direction is the mean residual stream after the layer at the last token of the positive prompts minus that of the negative ones.</p>
          </div>
        )}
      </fieldset>

      <div className={styles.numbers}>
        <div className="field">
          <label htmlFor="steer-layer">Layer</label>
          <select id="steer-layer" value={layerValue} onChange={(e) => setLayer(e.target.value)} disabled={layerChoices.length === 0} {...invalidProps("steer-layer-error", field("layer"))}>
            {layerChoices.length === 0 && <option value="">Choose a direction first</option>}
            {layerChoices.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
          <FieldError id="steer-layer-error" message={field("layer")} />
        </div>
        <div className="field">
          <label htmlFor="steer-strength">Strength</label>
          <input id="steer-strength" type="number" step="any" min={-64} max={64} value={strength} onChange={(e) => setStrength(e.target.value)} {...invalidProps("steer-strength-error", field("strength"), "steer-strength-hint")} />
          <p id="steer-strength-hint" className="hint">
            In multiples of the mean residual norm at the layer (−64 to 64).
          </p>
          <FieldError id="steer-strength-error" message={field("strength")} />
        </div>
        <div className="field">
          <label htmlFor="steer-tokens">New tokens</label>
          <input id="steer-tokens" type="number" min={1} max={64} step={1} value={maxNewTokens} onChange={(e) => setMaxNewTokens(e.target.value)} {...invalidProps("steer-tokens-error", field("maxNewTokens"))} />
          <FieldError id="steer-tokens-error" message={field("maxNewTokens")} />
        </div>
      </div>

      <FocusedFormError message={err?.message ?? null} attempt={request.error} />
      <div className="actions">
        <button type="submit" className="button" disabled={request.isPending || modelId === 0}>
          {request.isPending ? "Generating…" : "Generate"}
        </button>
      </div>
    </form>
  );
}
