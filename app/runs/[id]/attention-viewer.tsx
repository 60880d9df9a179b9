"use client";

import { useQuery } from "@tanstack/react-query";
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import type { AttentionPatternSlice } from "~/server/services/runs/attention-patterns";
import { errorInfo } from "../../_lib/errors";
import { useTRPC } from "../../_trpc/client";
import styles from "./causal.module.css";
import { quoteToken, scaleRgb, showToken } from "./colour-scale";

/**
 * The attention viewer: for the chosen prompt and layer, every head's pattern as a small heatmap
 * (rows = query tokens, columns = key tokens); choose one to enlarge it, then hover a token (or move
 * through the query tokens with the arrow keys) to see where it attends. Each layer's patterns are
 * fetched from the run's artifacts only when that layer is shown.
 */

interface Props {
  runId: number;
  methodIndex: number;
  layers: number[];
  nHeads: number;
  prompts: Array<{ text: string; tokens: string[] }>;
  id: string;
}

const at = (s: AttentionPatternSlice, head: number, q: number, k: number) => s.values[head * s.len * s.len + q * s.len + k] ?? 0;

/** Draws one head's len × len pattern into a canvas, one pixel per cell (scaled up by CSS), or `cell` px per cell. */
function drawPattern(canvas: HTMLCanvasElement, s: AttentionPatternSlice, head: number, cell: number, highlightRow: number | null) {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const n = s.len;
  if (cell === 1) {
    const image = ctx.createImageData(n, n);
    for (let q = 0; q < n; q++) {
      for (let k = 0; k < n; k++) {
        const [r, g, b] = k > q ? [255, 255, 255] : scaleRgb(at(s, head, q, k), "probability");
        const o = 4 * (q * n + k);
        image.data[o] = r;
        image.data[o + 1] = g;
        image.data[o + 2] = b;
        image.data[o + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
    return;
  }
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (let q = 0; q < n; q++) {
    for (let k = 0; k < n; k++) {
      const [r, g, b] = k > q ? [255, 255, 255] : scaleRgb(at(s, head, q, k), "probability");
      ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
      ctx.fillRect(k * cell, q * cell, cell, cell);
    }
  }
  if (highlightRow !== null) {
    ctx.strokeStyle = "#b45309";
    ctx.lineWidth = 2;
    ctx.strokeRect(1, highlightRow * cell + 1, n * cell - 2, cell - 2);
  }
}

function HeadThumbnail({ slice, head, layer, selected, onSelect }: { slice: AttentionPatternSlice; head: number; layer: number; selected: boolean; onSelect: () => void }) {
  const ref = useRef<HTMLCanvasElement | null>(null);
  useEffect(() => {
    if (ref.current) drawPattern(ref.current, slice, head, 1, null);
  }, [slice, head]);
  return (
    <li>
      <button type="button" className={styles.headButton} aria-pressed={selected} onClick={onSelect} data-testid="attention-head" data-head={head}>
        <canvas ref={ref} width={slice.len} height={slice.len} style={{ width: 72, height: 72 }} aria-hidden="true" />
        {/* The visible label starts the accessible name, so speech users can say what they see. */}
        <span>
          H{head}
          <span className="visually-hidden"> (layer {layer}, head {head}): enlarge</span>
        </span>
      </button>
    </li>
  );
}

/** The strongest keys of one query row, for the status line. */
function topKeys(s: AttentionPatternSlice, head: number, q: number, tokens: string[], k = 3): string {
  const row = Array.from({ length: q + 1 }, (_, j) => ({ j, p: at(s, head, q, j) })).sort((a, b) => b.p - a.p);
  return row
    .slice(0, k)
    .map((e) => `${quoteToken(tokens[e.j] ?? `#${e.j}`)} (position ${e.j}, ${e.p.toFixed(2)})`)
    .join(", ");
}

function EnlargedHead({ slice, head, layer, tokens, onClose }: { slice: AttentionPatternSlice; head: number; layer: number; tokens: string[]; onClose: () => void }) {
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const heading = useRef<HTMLHeadingElement | null>(null);
  const labels = useRef<HTMLUListElement | null>(null);
  const [query, setQuery] = useState<number | null>(null);
  const headingId = useId();
  const n = slice.len;
  const cell = Math.max(12, Math.min(22, Math.floor(520 / n)));

  useEffect(() => heading.current?.focus(), [head, layer]);
  useEffect(() => {
    if (canvas.current) drawPattern(canvas.current, slice, head, cell, query);
  }, [slice, head, cell, query]);

  const onKey = (e: KeyboardEvent<HTMLButtonElement>, q: number) => {
    const next = e.key === "ArrowDown" ? Math.min(n - 1, q + 1) : e.key === "ArrowUp" ? Math.max(0, q - 1) : e.key === "Home" ? 0 : e.key === "End" ? n - 1 : null;
    if (next === null) return;
    e.preventDefault();
    setQuery(next);
    labels.current?.querySelector<HTMLButtonElement>(`[data-query="${next}"]`)?.focus();
  };
  const fromCanvas = (clientY: number) => {
    const rect = canvas.current?.getBoundingClientRect();
    if (!rect) return;
    const q = Math.floor((clientY - rect.top) / cell);
    if (q >= 0 && q < n) setQuery(q);
  };
  const focusIndex = query ?? 0;

  return (
    <section className={styles.enlarged} aria-labelledby={headingId} data-testid="attention-enlarged">
      <div className={styles.controls}>
        <h4 id={headingId} ref={heading} tabIndex={-1}>
          Layer {layer}, head {head}
        </h4>
        <button type="button" className="button button--small button--ghost" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="hint">Rows are query tokens (the token attending), columns key tokens (the tokens it attends to, itself and earlier). Hover a row or a token below, or use the arrow keys on the row labels.</p>
      <div className={styles.matrix}>
        <ul className={styles.rowLabels} ref={labels} aria-label="Query tokens">
          {Array.from({ length: n }, (_, q) => (
            <li key={q} style={{ height: cell }}>
              <button
                type="button"
                className={styles.rowLabel}
                style={{ height: cell, lineHeight: `${cell}px`, fontSize: Math.min(12, cell - 2) }}
                aria-current={query === q}
                tabIndex={focusIndex === q ? 0 : -1}
                data-query={q}
                data-testid="attention-query"
                onMouseEnter={() => setQuery(q)}
                onFocus={() => setQuery(q)}
                onClick={() => setQuery(q)}
                onKeyDown={(e) => onKey(e, q)}
              >
                {showToken(tokens[q] ?? `#${q}`)}
              </button>
            </li>
          ))}
        </ul>
        <canvas
          ref={canvas}
          width={n * cell}
          height={n * cell}
          role="img"
          aria-label={`Attention pattern of layer ${layer}, head ${head}: ${n} query tokens by ${n} key tokens.`}
          onMouseMove={(e) => fromCanvas(e.clientY)}
        />
      </div>
      <div className={styles.strip} data-testid="attention-strip">
        {tokens.slice(0, n).map((t, k) => {
          const p = query !== null && k <= query ? at(slice, head, query, k) : 0;
          return (
            <span
              key={k}
              className={`${styles.stripToken} ${query === k ? styles.stripQuery : ""}`}
              style={{ background: `rgba(33, 102, 172, ${p.toFixed(3)})`, color: p > 0.5 ? "#fff" : undefined }}
              title={query !== null ? `${quoteToken(t)} (position ${k}): attention ${p.toFixed(3)} from ${quoteToken(tokens[query] ?? "")}` : `${quoteToken(t)} (position ${k})`}
              data-attention={query !== null ? p : ""}
              onMouseEnter={() => setQuery(k)}
            >
              {t}
            </span>
          );
        })}
      </div>
      <p className={styles.status} aria-live="polite" data-testid="attention-status">
        {query === null ? "Hover a token to see where it attends." : `${quoteToken(tokens[query] ?? `#${query}`)} (position ${query}) attends most to ${topKeys(slice, head, query, tokens)}.`}
      </p>
    </section>
  );
}

export function AttentionViewer({ runId, methodIndex, layers, nHeads, prompts, id }: Props) {
  const trpc = useTRPC();
  const [prompt, setPrompt] = useState(0);
  const [layer, setLayer] = useState(layers[0] ?? 0);
  const [head, setHead] = useState<number | null>(null);
  const container = useRef<HTMLDivElement | null>(null);
  /** Closing the enlarged view returns the focus to its head's button. */
  const close = () => {
    const closed = head;
    setHead(null);
    container.current?.querySelector<HTMLButtonElement>(`[data-head="${closed}"]`)?.focus();
  };
  const pattern = useQuery({ ...trpc.runs.attentionPattern.queryOptions({ id: runId, methodIndex, prompt, layer }), staleTime: Infinity, enabled: prompts.length > 0 });
  const tokens = prompts[prompt]?.tokens ?? [];
  const slice = pattern.data;
  const mismatch = slice && slice.len !== tokens.length;

  if (prompts.length === 0) return <p className="empty">The run stored no prompt patterns (the spec gave no prompts); the scores above come from repeated random tokens.</p>;
  return (
    <div data-testid={`${id}-attention-viewer`} ref={container}>
      <div className={styles.controls}>
        <label>
          Prompt{" "}
          <select value={prompt} onChange={(e) => setPrompt(Number(e.target.value))} data-testid="attention-prompt">
            {prompts.map((p, i) => (
              <option key={i} value={i}>
                {i + 1}. {p.text.length > 60 ? `${p.text.slice(0, 57)}…` : p.text}
              </option>
            ))}
          </select>
        </label>
        <label>
          Layer{" "}
          <select value={layer} onChange={(e) => setLayer(Number(e.target.value))} data-testid="attention-layer">
            {layers.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
      </div>
      {pattern.isPending && <p className="muted">Loading the patterns of layer {layer}…</p>}
      {pattern.error && (
        <p className="notice notice--error" role="alert">
          The patterns could not be loaded: {errorInfo(pattern.error).message}
        </p>
      )}
      {slice && (
        <>
          {mismatch && (
            <p className="notice">
              The stored pattern covers {slice.len} tokens but the prompt has {tokens.length}; tokens are labelled by position.
            </p>
          )}
          <ul className={styles.heads} aria-label={`Heads of layer ${layer} (choose one to enlarge)`}>
            {Array.from({ length: Math.min(nHeads, slice.nHeads) }, (_, h) => (
              <HeadThumbnail key={h} slice={slice} head={h} layer={layer} selected={head === h} onSelect={() => setHead(head === h ? null : h)} />
            ))}
          </ul>
          {head !== null && head < slice.nHeads && (
            <EnlargedHead slice={slice} head={head} layer={layer} tokens={mismatch ? Array.from({ length: slice.len }, (_, i) => `#${i}`) : tokens} onClose={close} />
          )}
        </>
      )}
    </div>
  );
}
