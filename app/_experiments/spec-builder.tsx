"use client";

import { useId, type ReactNode } from "react";
import { HOOK_TEMPLATES, PROBE_LIMITS } from "~/server/probes/spec";
import { CheckField, described, FieldNotes, Group, IssueLines, LinesField, NumberField, SelectField, TextField, type Bound } from "./spec-fields";
import { numberOrText } from "./typed-number";
import { getAt, isObject, issuesAt, type Json, type JsonObject, type Path } from "./spec-draft";

/** The form half of the spec editor: read-out, layers, methods with their parameters, split and seed. */

type MethodName = "diffmean" | "logistic" | "dimensionality" | "consistency" | "crossDomain" | "steering" | "ablation" | "anchors" | "neuronMap";

const METHODS: ReadonlyArray<{ name: MethodName; label: string; defaults: JsonObject }> = [
  { name: "diffmean", label: "Difference of means (accuracy, AUROC, Cohen’s d)", defaults: { method: "diffmean" } },
  { name: "logistic", label: "Logistic probe, with a control task", defaults: { method: "logistic", l2: 0.01, controlTask: true, maxIterations: 500 } },
  { name: "dimensionality", label: "Dimensionality (PCA + INLP)", defaults: { method: "dimensionality", center: true, components: 3, inlp: { enabled: true, maxDirections: 20 } } },
  { name: "consistency", label: "Consistency of pair differences", defaults: { method: "consistency", leaveOneOut: true } },
  { name: "crossDomain", label: "Cross-domain transfer (needs domain tags)", defaults: { method: "crossDomain", classifier: "diffmean" } },
  {
    name: "steering",
    label: "Steering, scored by completions",
    defaults: { method: "steering", layers: "all", alphas: [-2, -1, -0.5, 0.5, 1, 2], maxPrompts: 16, completions: { target: " happy", opposite: " sad" } },
  },
  { name: "ablation", label: "Ablation of the direction", defaults: { method: "ablation", layers: "all", maxPrompts: 32, completions: { target: " happy", opposite: " sad" } } },
  {
    name: "anchors",
    label: "Concept anchors",
    defaults: {
      method: "anchors",
      first: { name: "good", prompts: ["sunshine", "candy", "hug"] },
      second: { name: "bad", prompts: ["scared", "dark", "monster"] },
      queries: [{ text: "friend" }, { text: "storm" }],
    },
  },
  { name: "neuronMap", label: "Neuron map (one layer)", defaults: { method: "neuronMap", layer: 0, embedding: "pca", clusters: 8 } },
];

const methodLabel = (name: string) => METHODS.find((m) => m.name === name)?.label ?? name;

function methodsOf(draft: Json): Json[] {
  const m = getAt(draft, ["methods"]);
  return Array.isArray(m) ? m : [];
}

function methodName(m: Json): string {
  return isObject(m) && typeof m.method === "string" ? m.method : "";
}

export function SpecBuilder({ b }: { b: Bound }) {
  const id = useId();
  const methods = methodsOf(b.draft);
  const toggle = (name: MethodName, on: boolean) => {
    const defaults = METHODS.find((m) => m.name === name)?.defaults ?? { method: name };
    b.set(["methods"], on ? [...methods, defaults] : methods.filter((m) => methodName(m) !== name));
  };
  const methodsMessages = issuesAt(b.issues, ["methods"]);
  return (
    <div className="spec-builder" data-testid="spec-builder">
      <ReadoutFields b={b} />
      <fieldset className="spec-group" data-testid="spec-methods">
        <legend>Methods</legend>
        <IssueLines id={`${id}-methods-err`} messages={methodsMessages} />
        <ul className="plain-list method-picks">
          {METHODS.map((m) => {
            const on = methods.some((x) => methodName(x) === m.name);
            return (
              <li key={m.name}>
                <label className="check">
                  <input type="checkbox" checked={on} onChange={(e) => toggle(m.name, e.target.checked)} /> <code>{m.name}</code> — {m.label}
                </label>
              </li>
            );
          })}
        </ul>
        {methods.map((m, i) => (
          <MethodParams key={`${i}-${methodName(m)}`} b={b} index={i} method={m} />
        ))}
      </fieldset>
      <SplitFields b={b} />
    </div>
  );
}

function ReadoutFields({ b }: { b: Bound }) {
  const id = useId();
  const position = getAt(b.draft, ["readout", "position", "kind"]);
  const hooksValue = getAt(b.draft, ["readout", "hooks"]);
  const hooks = Array.isArray(hooksValue) ? hooksValue.filter((h): h is string => typeof h === "string") : ["blocks.{L}.hook_resid_post"];
  const layers = getAt(b.draft, ["readout", "layers"]);
  const layerMode = layers === undefined || layers === "all" ? "all" : Array.isArray(layers) ? "list" : "range";
  return (
    <Group b={b} path={["readout"]} legend="Read-out">
      <div className="field-row">
        <SelectField
          b={b}
          path={["readout", "position", "kind"]}
          label="Position"
          defaultValue="last"
          options={[
            { value: "last", label: "last token" },
            { value: "mean", label: "mean over tokens" },
            { value: "marker", label: "at a marker text" },
          ]}
          onPick={(v) => b.set(["readout", "position"], v === "marker" ? { kind: "marker", marker: "", occurrence: "first", token: "last" } : { kind: v })}
        />
        {position === "marker" && (
          <>
            <TextField b={b} path={["readout", "position", "marker"]} label="Marker" hint="Text found in every prompt; its token is read." />
            <SelectField
              b={b}
              path={["readout", "position", "occurrence"]}
              label="Occurrence"
              defaultValue="first"
              options={[
                { value: "first", label: "first" },
                { value: "last", label: "last" },
              ]}
            />
          </>
        )}
      </div>
      <fieldset className="spec-subgroup">
        <legend>Hooks</legend>
        <IssueLines id={`${id}-hooks-err`} messages={issuesAt(b.issues, ["readout", "hooks"], true)} />
        <ul className="plain-list">
          {HOOK_TEMPLATES.map((h) => (
            <li key={h}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={hooks.includes(h)}
                  onChange={(e) => b.set(["readout", "hooks"], e.target.checked ? [...hooks, h] : hooks.filter((x) => x !== h))}
                />{" "}
                <code>{h}</code>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <div className="field-row">
        <div className="field field--compact">
          <label htmlFor={`${id}-layers`}>Layers</label>
          <select
            id={`${id}-layers`}
            className="select"
            value={layerMode}
            onChange={(e) => b.set(["readout", "layers"], e.target.value === "all" ? "all" : e.target.value === "list" ? [0] : { from: 0, to: 4, step: 1 })}
          >
            <option value="all">every layer</option>
            <option value="list">a list of layers</option>
            <option value="range">a range</option>
          </select>
          <IssueLines id={`${id}-layers-err`} messages={issuesAt(b.issues, ["readout", "layers"])} />
        </div>
        {layerMode === "list" && <LayerListField b={b} path={["readout", "layers"]} label="Layer numbers" allowAll={false} />}
        {layerMode === "range" && (
          <>
            <NumberField b={b} path={["readout", "layers", "from"]} label="From layer" />
            <NumberField b={b} path={["readout", "layers", "to"]} label="To layer" />
            <NumberField b={b} path={["readout", "layers", "step"]} label="Step" />
          </>
        )}
      </div>
    </Group>
  );
}

/** "all" or "0, 2, 4"; a part that is not a whole number is kept as text so the engine names it. */
function LayerListField({ b, path, label, allowAll }: { b: Bound; path: Path; label: string; allowAll: boolean }) {
  const id = useId();
  const value = getAt(b.draft, path);
  const text = value === "all" ? "all" : Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ") : "";
  const messages = issuesAt(b.issues, path, true);
  return (
    <div className="field field--compact">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="input"
        value={text}
        onChange={(e) => {
          const t = e.target.value.trim();
          if (allowAll && t === "all") return b.set(path, "all");
          b.set(
            path,
            t === "" ? [] : t.split(/[\s,]+/).filter((p) => p !== "").map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
          );
        }}
        aria-describedby={`${id}-hint${messages.length ? ` ${id}-err` : ""}`}
        aria-invalid={messages.length ? true : undefined}
      />
      <p id={`${id}-hint`} className="hint">
        {allowAll ? "“all”, or numbers such as 0, 2, 4" : "Numbers such as 0, 2, 4"}
      </p>
      <IssueLines id={`${id}-err`} messages={messages} />
    </div>
  );
}

function NumberListField({ b, path, label, hint }: { b: Bound; path: Path; label: string; hint: string }) {
  const id = useId();
  const value = getAt(b.draft, path);
  const text = Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ") : "";
  const messages = issuesAt(b.issues, path, true);
  return (
    <div className="field field--compact">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="input"
        defaultValue={text}
        key={text}
        onBlur={(e) => {
          const parts = e.target.value.split(/[\s,]+/).filter((p) => p !== "");
          b.set(path, parts.length === 0 ? undefined : parts.map(numberOrText));
        }}
        {...described(`${id}-err`, messages, `${id}-hint`)}
      />
      <FieldNotes id={id} hint={hint} messages={messages} />
    </div>
  );
}

function CompletionsFields({ b, base }: { b: Bound; base: Path }) {
  const on = getAt(b.draft, [...base, "completions"]) !== undefined;
  return (
    <>
      <div className="field field--compact">
        <label className="check">
          <input type="checkbox" checked={on} onChange={(e) => b.set([...base, "completions"], e.target.checked ? { target: " happy", opposite: " sad" } : undefined)} /> Score target and opposite
          completions
        </label>
      </div>
      {on && (
        <div className="field-row">
          <TextField b={b} path={[...base, "completions", "target"]} label="Target completion" hint="e.g. “ happy” (mind the leading space)" />
          <TextField b={b} path={[...base, "completions", "opposite"]} label="Opposite completion" hint="e.g. “ sad”" />
        </div>
      )}
    </>
  );
}

function QueriesField({ b, path }: { b: Bound; path: Path }) {
  const id = useId();
  const value = getAt(b.draft, path);
  const lines = Array.isArray(value) ? value.map((q) => (isObject(q) && typeof q.text === "string" ? q.text : "")).join("\n") : "";
  const messages = issuesAt(b.issues, path, true);
  return (
    <div className="field field--compact">
      <label htmlFor={id}>Queries (one per line)</label>
      <textarea
        id={id}
        className="textarea"
        rows={3}
        value={lines}
        onChange={(e) => b.set(path, e.target.value === "" ? [] : e.target.value.split("\n").map((text) => ({ text })))}
        aria-describedby={messages.length ? `${id}-err` : undefined}
        aria-invalid={messages.length ? true : undefined}
      />
      <IssueLines id={`${id}-err`} messages={messages} />
    </div>
  );
}

function MethodParams({ b, index, method }: { b: Bound; index: number; method: Json }) {
  const name = methodName(method);
  const base: Path = ["methods", index];
  const remove = () => b.set(["methods"], methodsOf(b.draft).filter((_, i) => i !== index));
  let fields: ReactNode = null;
  switch (name) {
    case "diffmean":
      fields = <p className="hint">No parameters: the direction is the difference of the class means at each layer.</p>;
      break;
    case "logistic":
      fields = (
        <div className="field-row">
          <NumberField b={b} path={[...base, "l2"]} label="L2 penalty" />
          <NumberField b={b} path={[...base, "maxIterations"]} label="Max iterations" />
          <CheckField b={b} path={[...base, "controlTask"]} label="Control task (shuffled labels)" defaultValue />
        </div>
      );
      break;
    case "dimensionality":
      fields = (
        <div className="field-row">
          <NumberField b={b} path={[...base, "components"]} label="PCA components kept" />
          <CheckField b={b} path={[...base, "center"]} label="Centre before PCA" defaultValue />
          <CheckField b={b} path={[...base, "inlp", "enabled"]} label="INLP" defaultValue />
          <NumberField b={b} path={[...base, "inlp", "maxDirections"]} label="INLP max directions" hint={`1 to ${PROBE_LIMITS.maxInlpDirections}`} />
        </div>
      );
      break;
    case "consistency":
      fields = <CheckField b={b} path={[...base, "leaveOneOut"]} label="Leave one out (no self-agreement)" defaultValue />;
      break;
    case "crossDomain":
      fields = (
        <SelectField
          b={b}
          path={[...base, "classifier"]}
          label="Classifier"
          defaultValue="diffmean"
          options={[
            { value: "diffmean", label: "difference of means" },
            { value: "logistic", label: "logistic" },
          ]}
        />
      );
      break;
    case "steering":
      fields = (
        <>
          <div className="field-row">
            <LayerListField b={b} path={[...base, "layers"]} label="Steered layers" allowAll />
            <NumberListField b={b} path={[...base, "alphas"]} label="Alphas (α)" hint="Comma-separated, in units of the typical residual norm" />
            <NumberField b={b} path={[...base, "maxPrompts"]} label="Max prompts" />
          </div>
          <CompletionsFields b={b} base={base} />
        </>
      );
      break;
    case "ablation":
      fields = (
        <>
          <div className="field-row">
            <LayerListField b={b} path={[...base, "layers"]} label="Ablated layers" allowAll />
            <NumberField b={b} path={[...base, "maxPrompts"]} label="Max prompts" />
          </div>
          <CompletionsFields b={b} base={base} />
        </>
      );
      break;
    case "anchors":
      fields = (
        <>
          <div className="field-row">
            <TextField b={b} path={[...base, "first", "name"]} label="First anchor set" />
            <TextField b={b} path={[...base, "second", "name"]} label="Second anchor set" />
          </div>
          <div className="field-row">
            <LinesField b={b} path={[...base, "first", "prompts"]} label="First anchors (one per line)" keepEmpty />
            <LinesField b={b} path={[...base, "second", "prompts"]} label="Second anchors (one per line)" keepEmpty />
          </div>
          <QueriesField b={b} path={[...base, "queries"]} />
        </>
      );
      break;
    case "neuronMap":
      fields = (
        <div className="field-row">
          <NumberField b={b} path={[...base, "layer"]} label="Layer" />
          <SelectField
            b={b}
            path={[...base, "embedding"]}
            label="Embedding"
            defaultValue="pca"
            options={[
              { value: "pca", label: "PCA" },
              { value: "umap", label: "UMAP" },
            ]}
          />
          <NumberField b={b} path={[...base, "clusters"]} label="Clusters" />
        </div>
      );
      break;
    default:
      fields = <p className="hint">Edit this method in the JSON view.</p>;
  }
  return (
    <section className="method-card" aria-label={`Method ${index + 1}: ${name || "unknown"}`} data-testid={`method-${name}`}>
      <div className="method-card__head">
        <h4>
          <code>{name || "?"}</code> <span className="muted">{methodLabel(name)}</span>
        </h4>
        <button type="button" className="button button--ghost button--small" onClick={remove} aria-label={`Remove method ${index + 1} (${name})`}>
          Remove
        </button>
      </div>
      <IssueLines id={`method-${index}-err`} messages={issuesAt(b.issues, base)} />
      {fields}
    </section>
  );
}

function SplitFields({ b }: { b: Bound }) {
  const kind = getAt(b.draft, ["split", "kind"]);
  return (
    <Group b={b} path={["split"]} legend="Split and seed">
      <div className="field-row">
        <SelectField
          b={b}
          path={["split", "kind"]}
          label="Split"
          defaultValue="kfold"
          options={[
            { value: "kfold", label: "k-fold cross-validation" },
            { value: "fraction", label: "train / test fraction" },
          ]}
          onPick={(v) => b.set(["split"], v === "fraction" ? { kind: "fraction", trainFraction: 0.8 } : { kind: "kfold", k: 5 })}
        />
        {kind === "fraction" ? (
          <NumberField b={b} path={["split", "trainFraction"]} label="Train fraction" hint="0.1 to 0.95" />
        ) : (
          <NumberField b={b} path={["split", "k"]} label="Folds (k)" hint={`2 to ${PROBE_LIMITS.maxFolds}`} />
        )}
        <NumberField b={b} path={["seed"]} label="Seed" hint="A whole number; the same seed gives the same numbers" />
      </div>
    </Group>
  );
}
