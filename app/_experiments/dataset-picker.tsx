"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import { z } from "zod";
import { DATASET_LIMITS } from "~/server/services/datasets/limits";
import type { DatasetPreview } from "~/server/services/datasets/parse-dataset";
import { useTRPC } from "../_trpc/client";
import { DatasetPreviewView } from "./dataset-preview";
import { IssueLines } from "./spec-fields";

/**
 * The experiment's data: upload a CSV or JSONL file (previewed by the server before anything is
 * saved), or reuse one of your data sets. Either way the spec's `data` becomes a data set reference.
 */

/** The server's limit, checked here only to fail fast. */
const MAX_UPLOAD_BYTES = DATASET_LIMITS.maxBytes;

const previewSchema = z.object({
  kind: z.enum(["labelled", "pairs"]),
  rows: z.number(),
  firstRows: z.array(z.record(z.string(), z.string())),
  classes: z.array(z.object({ name: z.string(), count: z.number() })),
  domains: z.array(z.object({ name: z.string(), count: z.number() })),
});
const uploadAnswerSchema = z.union([
  z.object({ saved: z.literal(false), preview: previewSchema, bytes: z.number(), existingId: z.number().nullable() }),
  z.object({ saved: z.literal(true), id: z.number(), reused: z.boolean(), preview: previewSchema, bytes: z.number() }),
  z.object({ error: z.string() }),
]);

export interface ChosenDataset {
  id: number;
  name: string;
  preview: DatasetPreview;
  /** Characters of prompt text per prompt, when the file was at hand (for the estimate). */
  avgChars: number | null;
}

type UploadState =
  | { step: "idle" }
  | { step: "checking" }
  | { step: "previewed"; preview: DatasetPreview; existingId: number | null; avgChars: number }
  | { step: "saving"; preview: DatasetPreview; avgChars: number }
  | { step: "failed"; errors: string[] };

async function send(file: File, name: string, format: "csv" | "jsonl", preview: boolean) {
  const params = new URLSearchParams({ format, name });
  if (preview) params.set("preview", "1");
  const res = await fetch(`/api/datasets?${params.toString()}`, { method: "POST", body: file, headers: { "content-type": "application/octet-stream" } });
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = { error: `The server answered ${res.status} without a readable message. Try again.` };
  }
  const parsed = uploadAnswerSchema.safeParse(body);
  if (!parsed.success) return { error: `Unexpected answer from the server (${res.status}).` };
  return parsed.data;
}

/** Mean characters per prompt in a file's text: every non-empty field except labels and domains, roughly. */
function averagePromptChars(text: string, format: "csv" | "jsonl"): number {
  if (format === "jsonl") {
    const lengths: number[] = [];
    for (const line of text.split("\n")) {
      try {
        const row = JSON.parse(line) as Record<string, unknown>;
        for (const k of ["text", "positive", "negative"]) if (typeof row[k] === "string") lengths.push((row[k] as string).length);
      } catch {
        // Malformed lines are the server's to report.
      }
    }
    return lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 40;
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  // CSV without a parser: the longest field per line is close enough for an estimate.
  const lengths = lines.slice(1).map((l) => Math.max(...l.split(",").map((f) => f.length)));
  return lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 40;
}

export function DatasetPicker({ chosen, onChoose, messages }: { chosen: ChosenDataset | null; onChoose: (d: ChosenDataset) => void; messages: string[] }) {
  const id = useId();
  const trpc = useTRPC();
  const [mode, setMode] = useState<"upload" | "mine">("upload");
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  /** Typed by the author: a later file no longer renames the data set. */
  const [nameTouched, setNameTouched] = useState(false);
  const [format, setFormat] = useState<"csv" | "jsonl">("csv");
  const [state, setState] = useState<UploadState>({ step: "idle" });
  const [mineId, setMineId] = useState("");
  const statusRef = useRef<HTMLDivElement>(null);
  const mine = useQuery({ ...trpc.datasets.mine.queryOptions({ page: 1, pageSize: 50 }), enabled: mode === "mine" });
  const mineDetail = useQuery({ ...trpc.datasets.byId.queryOptions({ id: Number(mineId) || 1 }), enabled: mode === "mine" && mineId !== "" });

  async function check(f: File, n: string, fmt: "csv" | "jsonl") {
    if (f.size > MAX_UPLOAD_BYTES) {
      setState({ step: "failed", errors: [`The file is ${(f.size / 1048576).toFixed(1)} MB, which is larger than the 10 MB limit for data sets. Split it or sample from it.`] });
      return;
    }
    setState({ step: "checking" });
    const [answer, text] = await Promise.all([send(f, n.trim() || f.name, fmt, true), f.text()]);
    if ("error" in answer) setState({ step: "failed", errors: answer.error.split("\n").filter((l) => l.trim() !== "") });
    else setState({ step: "previewed", preview: answer.preview, existingId: "existingId" in answer ? answer.existingId : null, avgChars: averagePromptChars(text, fmt) });
    statusRef.current?.focus();
  }

  async function save() {
    if (!file || state.step !== "previewed") return;
    const { preview, avgChars } = state;
    setState({ step: "saving", preview, avgChars });
    const answer = await send(file, name.trim() || file.name, format, false);
    if ("error" in answer) {
      setState({ step: "failed", errors: answer.error.split("\n").filter((l) => l.trim() !== "") });
      statusRef.current?.focus();
      return;
    }
    if (answer.saved) {
      onChoose({ id: answer.id, name: name.trim() || file.name, preview: answer.preview, avgChars });
      setState({ step: "idle" });
      setFile(null);
    }
  }

  function pickFile(f: File | null) {
    setFile(f);
    if (!f) return setState({ step: "idle" });
    const fmt = /\.jsonl?$/i.test(f.name) ? "jsonl" : "csv";
    const n = nameTouched && name.trim() !== "" ? name : f.name.replace(/\.(csv|jsonl?)$/i, "");
    setFormat(fmt);
    setName(n);
    void check(f, n, fmt);
  }

  const errorsId = `${id}-data-err`;
  return (
    <fieldset className="spec-group" data-testid="dataset-picker" aria-describedby={messages.length ? errorsId : undefined}>
      <legend>Data set</legend>
      <IssueLines id={errorsId} messages={messages} />
      {chosen ? (
        <div className="notice notice--success" data-testid="dataset-chosen">
          Using data set <strong>#{chosen.id}</strong> “{chosen.name}”.{" "}
          <a href={`/api/datasets/${chosen.id}/download`} download>
            Download
          </a>
        </div>
      ) : (
        <p className="hint">Upload labelled prompts (columns text,label[,domain]) or contrastive pairs (positive,negative[,domain]) as CSV or JSONL, up to 10 MB.</p>
      )}
      {chosen && <DatasetPreviewView preview={chosen.preview} />}
      <div className="segmented" role="radiogroup" aria-label="Where the data come from">
        {(["upload", "mine"] as const).map((m) => (
          <label key={m} className="segmented__item">
            <input type="radio" name={`${id}-mode`} value={m} checked={mode === m} onChange={() => setMode(m)} />
            <span>{m === "upload" ? "Upload a file" : "Reuse one of my data sets"}</span>
          </label>
        ))}
      </div>
      {mode === "upload" ? (
        <div className="upload">
          <div className="field-row">
            <div className="field field--compact">
              <label htmlFor={`${id}-file`}>{chosen ? "Upload a different file" : "File (CSV or JSONL)"}</label>
              <input id={`${id}-file`} type="file" className="input" accept=".csv,.jsonl,.json,text/csv,application/x-ndjson" onChange={(e) => pickFile(e.target.files?.[0] ?? null)} />
            </div>
            <div className="field field--compact">
              <label htmlFor={`${id}-name`}>Data set name</label>
              <input id={`${id}-name`} className="input" value={name} maxLength={200} onChange={(e) => {
                  setName(e.target.value);
                  setNameTouched(true);
                }}
              />
            </div>
            <div className="field field--compact">
              <label htmlFor={`${id}-format`}>Format</label>
              <select id={`${id}-format`} className="select" value={format} onChange={(e) => setFormat(e.target.value === "jsonl" ? "jsonl" : "csv")}>
                <option value="csv">CSV</option>
                <option value="jsonl">JSONL</option>
              </select>
            </div>
          </div>
          {file && (
            <p>
              <button type="button" className="button button--ghost button--small" onClick={() => void check(file, name, format)} disabled={state.step === "checking" || state.step === "saving"}>
                Check again
              </button>
            </p>
          )}
          <div ref={statusRef} tabIndex={-1} aria-live="polite" data-testid="upload-status">
            {state.step === "checking" && <p className="loading-state">Checking the file…</p>}
            {state.step === "failed" && (
              <div className="notice notice--error" data-testid="upload-errors">
                <p>This file cannot be used:</p>
                <ul>
                  {state.errors.map((e, i) => (
                    <li key={i}>{e}</li>
                  ))}
                </ul>
              </div>
            )}
            {(state.step === "previewed" || state.step === "saving") && (
              <div className="card upload__preview">
                <h4>Preview (nothing saved yet)</h4>
                {state.step === "previewed" && state.existingId !== null && <p className="hint">These rows are already stored as data set #{state.existingId}; saving reuses it.</p>}
                <DatasetPreviewView preview={state.preview} />
                <button type="button" className="button" onClick={() => void save()} disabled={state.step === "saving"}>
                  {state.step === "saving" ? "Saving…" : "Save and use this data set"}
                </button>
              </div>
            )}
          </div>
        </div>
      ) : (
        <div className="field-row">
          <div className="field field--compact">
            <label htmlFor={`${id}-mine`}>My data sets</label>
            <select id={`${id}-mine`} className="select" value={mineId} onChange={(e) => setMineId(e.target.value)}>
              <option value="">{mine.isLoading ? "Loading…" : mine.data?.items.length ? "Choose a data set…" : "You have not uploaded any yet"}</option>
              {mine.data?.items.map((d) => (
                <option key={d.id} value={d.id}>
                  #{d.id} {d.name} — {d.kind}, {d.rows} rows
                </option>
              ))}
            </select>
          </div>
          <div className="field field--compact">
            <button
              type="button"
              className="button"
              disabled={!mineDetail.data}
              onClick={() => mineDetail.data && onChoose({ id: mineDetail.data.id, name: mineDetail.data.name, preview: mineDetail.data.preview, avgChars: null })}
            >
              Use this data set
            </button>
          </div>
        </div>
      )}
    </fieldset>
  );
}
