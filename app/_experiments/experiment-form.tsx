"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { claimSchema } from "~/server/experiments/claims";
import { parseProbeSpec } from "~/server/probes/spec";
import { EXPERIMENT_LIMITS } from "~/server/services/experiments/limits";
import { fieldLabel } from "~/server/validation/zod-messages";
import { FieldError, invalidProps } from "../_components/form-bits";
import { errorInfo, type ErrorInfo } from "../_lib/errors";
import { useTRPC } from "../_trpc/client";
import { claimInput, claimRowErrors, type ClaimRow } from "./claim-rows";
import { ClaimsEditor } from "./claims-editor";
import { averageChars, promptCount } from "./dataset-preview";
import { DatasetPicker, type ChosenDataset } from "./dataset-picker";
import { PaperPicker, TechniquePicker, type PickedPaper } from "./paper-picker";
import { SpecBuilder } from "./spec-builder";
import { checkSpec, getAt, issuesAt, setAt, type Json, type JsonObject, type Path } from "./spec-draft";
import { SelectField } from "./spec-fields";
import { SpecJson } from "./spec-json";
import { WorkEstimate } from "./work-estimate";

/**
 * Writing an experiment: title, question, techniques, papers, data, the spec (form beside JSON,
 * validated by the engine's schema as you type), claims, and the estimate; then save a draft or
 * publish. Editing a published experiment publishes a new version (with its runs) at once.
 */

export interface ExperimentFormInitial {
  id: number | null;
  state: "draft" | "published" | null;
  latestVersion: number | null;
  title: string;
  question: string;
  techniques: string[];
  papers: PickedPaper[];
  spec: Json;
  dataset: ChosenDataset | null;
  claims: ClaimRow[];
}

type Problem = { message: string; fields: Array<[string, string]> };

export function ExperimentForm({ initial, options }: { initial: ExperimentFormInitial; options: Array<{ slug: string; name: string }> }) {
  const id = useId();
  const trpc = useTRPC();
  const router = useRouter();
  const [experimentId, setExperimentId] = useState(initial.id);
  const [title, setTitle] = useState(initial.title);
  const [question, setQuestion] = useState(initial.question);
  const [techniques, setTechniques] = useState(initial.techniques);
  const [papers, setPapers] = useState(initial.papers);
  const [draft, setDraft] = useState<Json>(initial.spec);
  const [dataset, setDataset] = useState(initial.dataset);
  const [claims, setClaims] = useState(initial.claims);
  const [changeNote, setChangeNote] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [serverFields, setServerFields] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const confirmRef = useRef<HTMLDivElement>(null);

  const published = initial.state === "published";
  const check = useMemo(() => checkSpec(draft), [draft]);
  const parsedSpec = useMemo(() => {
    const p = parseProbeSpec(draft);
    return p.ok ? p.spec : null;
  }, [draft]);
  const set = useCallback((path: Path, value: Json | undefined) => setDraft((d) => setAt(d, path, value)), []);
  const bound = { draft, issues: check.issues, set };

  const create = useMutation(trpc.experiments.create.mutationOptions());
  const update = useMutation(trpc.experiments.update.mutationOptions());
  const publish = useMutation(trpc.experiments.publish.mutationOptions());
  const busy = create.isPending || update.isPending || publish.isPending;

  function chooseDataset(d: ChosenDataset) {
    setDataset(d);
    setDraft((cur) => {
      const contrast = getAt(cur, ["data", "contrast"]);
      const data: JsonObject = { kind: "dataset", datasetId: String(d.id) };
      if (d.preview.kind === "labelled" && contrast !== undefined) data.contrast = contrast;
      return setAt(cur, ["data"], data);
    });
  }

  function fail(p: Problem) {
    setProblem(p);
    setSaved(null);
    setConfirming(false);
    // After React renders the summary.
    requestAnimationFrame(() => summaryRef.current?.focus());
  }

  function failFromServer(info: ErrorInfo) {
    setServerFields(info.fieldErrors);
    // Paths as people read them: "Claims, item 2, value", not "claims.1.value".
    const fields = Object.entries(info.fieldErrors).map(([path, message]): [string, string] => [path === "" ? "Experiment" : fieldLabel(path.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p))), message]);
    fail({ message: fields.length > 0 ? "The server could not accept this: correct the marked fields." : info.message, fields });
  }

  /** Client-side checks first: a spec the engine refuses is not sent. */
  function localProblems(): Problem | null {
    const fields: Array<[string, string]> = [];
    if (title.trim().length < 3) fields.push(["Title", "Give the experiment a title of at least 3 characters."]);
    for (const issue of check.issues) fields.push([`spec: ${issue.path}`, issue.message]);
    claims.forEach((r, i) => {
      for (const [f, m] of Object.entries(claimRowErrors(r, i, {}))) fields.push([`claim ${i + 1}: ${f}`, m]);
    });
    return fields.length > 0 ? { message: "Some fields need attention before saving:", fields } : null;
  }

  /** Called after `localProblems` found none, so every claim row parses. */
  function content() {
    return { title, question, techniques, paperIds: papers.map((p) => p.id), spec: draft, claims: claims.map((r) => claimSchema.parse(claimInput(r))) };
  }

  /** Saves (creating the draft the first time); returns the experiment id, or null after showing the error. */
  async function save(): Promise<number | null> {
    const local = localProblems();
    if (local) {
      fail(local);
      return null;
    }
    setServerFields({});
    try {
      if (experimentId === null) {
        const created = await create.mutateAsync(content());
        setExperimentId(created.id);
        // The address now names the draft, so a reload keeps it (no remount: the form keeps its state).
        window.history.replaceState(null, "", `/experiments/${created.id}/edit`);
        return created.id;
      }
      await update.mutateAsync({ id: experimentId, ...content(), changeNote });
      return experimentId;
    } catch (error) {
      failFromServer(errorInfo(error));
      return null;
    }
  }

  async function onSaveDraft(e: FormEvent) {
    e.preventDefault();
    const saved = await save();
    if (saved !== null) {
      setProblem(null);
      setSaved(`Draft saved at ${new Date().toLocaleTimeString("en-GB")}.`);
    }
  }

  function askToPublish() {
    const local = localProblems();
    if (local) return fail(local);
    setProblem(null);
    setConfirming(true);
    requestAnimationFrame(() => confirmRef.current?.focus());
  }

  async function onPublish() {
    if (published && experimentId !== null) {
      try {
        const result = await update.mutateAsync({ id: experimentId, ...content(), changeNote });
        router.push(`/experiments/${experimentId}?version=${result.version}`);
      } catch (error) {
        failFromServer(errorInfo(error));
      }
      return;
    }
    const saved = await save();
    if (saved === null) return;
    try {
      await publish.mutateAsync({ id: saved });
      router.push(`/experiments/${saved}`);
    } catch (error) {
      failFromServer(errorInfo(error));
    }
  }

  const fe = serverFields;
  const prompts = dataset ? promptCount(dataset.preview) : null;
  const classes = dataset?.preview.kind === "labelled" ? dataset.preview.classes.map((c) => c.name) : [];
  return (
    <form className="experiment-form" onSubmit={onSaveDraft} noValidate data-testid="experiment-form">
      {problem && (
        <div ref={summaryRef} tabIndex={-1} className="notice notice--error error-summary" role="alert" data-testid="error-summary">
          <p>
            <strong>{problem.message}</strong>
          </p>
          {problem.fields.length > 0 && (
            <ul>
              {problem.fields.map(([k, m]) => (
                <li key={`${k}-${m}`}>
                  <code>{k}</code>: {m}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {saved && (
        <p className="notice notice--success" role="status" data-testid="saved-status">
          {saved}{" "}
          {experimentId !== null && <a href={`/experiments/${experimentId}`}>View the draft</a>}
        </p>
      )}

      <section className="card form-section" aria-labelledby={`${id}-about`}>
        <h2 id={`${id}-about`}>The question</h2>
        <div className="field">
          <label htmlFor={`${id}-title`}>Title</label>
          <input id={`${id}-title`} className="input" value={title} maxLength={EXPERIMENT_LIMITS.title} onChange={(e) => setTitle(e.target.value)} {...invalidProps(`${id}-title-err`, fe.title)} />
          <FieldError id={`${id}-title-err`} message={fe.title} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-question`}>Question</label>
          <textarea id={`${id}-question`} className="textarea" rows={6} value={question} maxLength={EXPERIMENT_LIMITS.question} onChange={(e) => setQuestion(e.target.value)} {...invalidProps(`${id}-question-err`, fe.question, `${id}-question-hint`)} />
          <p id={`${id}-question-hint`} className="hint">
            Markdown with KaTeX math ($x^2$, $$\cos\theta$$). It is rendered when you save; the experiment page shows the result.
          </p>
          <FieldError id={`${id}-question-err`} message={fe.question} />
        </div>
        <div className="two-col">
          <TechniquePicker options={options} picked={techniques} onChange={setTechniques} error={fe.techniques} />
          <PaperPicker picked={papers} onChange={setPapers} error={fe.paperIds} />
        </div>
      </section>

      <section className="card form-section" aria-labelledby={`${id}-data`}>
        <h2 id={`${id}-data`}>Data</h2>
        <DatasetPicker chosen={dataset} onChoose={chooseDataset} messages={issuesAt(check.issues, ["data"], true).concat(fe.spec && /data/.test(fe.spec) ? [fe.spec] : [])} />
        {classes.length > 0 && (
          <div className="field-row">
            <SelectField
              b={bound}
              path={["data", "contrast", "positive"]}
              label="Positive class"
              defaultValue=""
              options={[{ value: "", label: "(automatic)" }, ...classes.map((c) => ({ value: c, label: c }))]}
              onPick={(v) => set(["data", "contrast"], v === "" ? undefined : { positive: v, negative: (getAt(draft, ["data", "contrast", "negative"]) as string | undefined) ?? "rest" })}
            />
            <SelectField
              b={bound}
              path={["data", "contrast", "negative"]}
              label="Negative class"
              defaultValue="rest"
              options={[{ value: "rest", label: "every other class" }, ...classes.map((c) => ({ value: c, label: c }))]}
              onPick={(v) => set(["data", "contrast", "negative"], v)}
            />
          </div>
        )}
      </section>

      <section className="card form-section" aria-labelledby={`${id}-spec`}>
        <h2 id={`${id}-spec`}>Probe spec</h2>
        {fe.spec && <p className="field-error">{fe.spec}</p>}
        <div className="spec-editor">
          <SpecBuilder b={bound} />
          <SpecJson draft={draft} issues={check.issues} onChange={setDraft} />
        </div>
      </section>

      <section className="card form-section" aria-labelledby={`${id}-claims`}>
        <h2 id={`${id}-claims`}>What you claim</h2>
        <ClaimsEditor rows={claims} onChange={setClaims} serverErrors={fe} />
      </section>

      <section className="card form-section" aria-labelledby={`${id}-publish`}>
        <h2 id={`${id}-publish`}>{published ? `Publish version ${(initial.latestVersion ?? 0) + 1}` : "Save or publish"}</h2>
        <WorkEstimate spec={parsedSpec} prompts={prompts} avgChars={dataset ? (dataset.avgChars ?? averageChars(dataset.preview)) : null} />
        {(published || initial.state === "draft" || experimentId !== null) && (
          <div className="field">
            <label htmlFor={`${id}-note`}>Change note{published ? "" : " (optional)"}</label>
            <input id={`${id}-note`} className="input" value={changeNote} maxLength={EXPERIMENT_LIMITS.changeNote} onChange={(e) => setChangeNote(e.target.value)} {...invalidProps(`${id}-note-err`, fe.changeNote)} />
            <FieldError id={`${id}-note-err`} message={fe.changeNote} />
          </div>
        )}
        {confirming ? (
          <div ref={confirmRef} tabIndex={-1} className="notice notice--info confirm" role="group" aria-label="Confirm publishing" data-testid="publish-confirm">
            <p>
              {published
                ? "Publish a new version? Its runs are queued on every hosted model at once; the earlier versions and their runs stay."
                : "Publish this experiment? Everyone can then read it, and one run per hosted model is queued. Later edits make new versions."}
            </p>
            <div className="actions">
              <button type="button" className="button" onClick={() => void onPublish()} disabled={busy}>
                {busy ? "Publishing…" : "Yes, publish"}
              </button>
              <button type="button" className="button button--ghost" onClick={() => setConfirming(false)} disabled={busy}>
                Not yet
              </button>
            </div>
          </div>
        ) : (
          <div className="actions">
            {!published && (
              <button type="submit" className="button button--ghost" disabled={busy}>
                {create.isPending || update.isPending ? "Saving…" : "Save draft"}
              </button>
            )}
            <button type="button" className="button" onClick={askToPublish} disabled={busy}>
              {published ? "Publish new version…" : "Publish…"}
            </button>
          </div>
        )}
      </section>
    </form>
  );
}
