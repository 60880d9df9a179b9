/** Turns a spec's data (inline or a resolved upload) into the rows the engine reads. */
import { type ProbeDataset, type ProbeSpec, datasetIssues, formatPath, parseProbeDataset } from "../../server/probes/spec";
import { type BinaryData, ProbeInputError } from "./types";

export interface PreparedData {
  kind: "pairs" | "labelled";
  /** Every example (pairs interleaved: positive, negative, positive, ...). */
  texts: string[];
  classes: string[];
  /** Where each text sits in the spec, for error messages ("data.pairs[3].positive"). */
  paths: string[];
  /** The binary contrast: its rows index into `texts` through `rows`. */
  binary: BinaryData;
  rows: Int32Array;
  positiveClass: string;
  negativeClass: string;
  classNames: string[];
  domains: string[];
}

export type DatasetResolver = (datasetId: string) => Promise<unknown>;

export async function resolveData(spec: ProbeSpec, resolver?: DatasetResolver): Promise<{ dataset: ProbeDataset; contrast: { positive: string; negative: string } | undefined; prefix: string }> {
  const data = spec.data;
  if (!data) throw new ProbeInputError(`data: this spec has no data — give "data" for the methods that read it`);
  if (data.kind === "labelled") return { dataset: { kind: "labelled", examples: data.examples }, contrast: data.contrast, prefix: "data" };
  if (data.kind === "pairs") return { dataset: { kind: "pairs", pairs: data.pairs }, contrast: undefined, prefix: "data" };
  if (!resolver) throw new ProbeInputError(`data.datasetId: no data set store is available to resolve "${data.datasetId}" — inline the data instead`);
  const raw = await resolver(data.datasetId);
  const parsed = parseProbeDataset(raw);
  if (!parsed.ok) throw new ProbeInputError(`data set "${data.datasetId}" is malformed:\n${parsed.errors.join("\n")}`);
  const k = spec.split.kind === "kfold" ? spec.split.k : 2;
  const issues = datasetIssues(parsed.spec, data.contrast, {
    minPerClass: Math.max(2, k),
    prefix: [],
    needDomains: spec.methods.some((m) => m.method === "crossDomain"),
    marker: spec.readout.position.kind === "marker" ? spec.readout.position.marker : undefined,
  });
  if (issues.length > 0) throw new ProbeInputError(`data set "${data.datasetId}":\n${issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join("\n")}`);
  return { dataset: parsed.spec, contrast: data.contrast, prefix: `dataset(${data.datasetId})` };
}

export function prepareData(dataset: ProbeDataset, contrast: { positive: string; negative: string } | undefined, prefix = "data"): PreparedData {
  if (dataset.kind === "pairs") {
    const texts: string[] = [];
    const classes: string[] = [];
    const paths: string[] = [];
    const m = dataset.pairs.length;
    dataset.pairs.forEach((p, i) => {
      texts.push(p.positive, p.negative);
      classes.push("positive", "negative");
      paths.push(`${prefix}.pairs[${i}].positive`, `${prefix}.pairs[${i}].negative`);
    });
    const binary: BinaryData = {
      n: 2 * m,
      y: Uint8Array.from({ length: 2 * m }, (_, i) => (i % 2 === 0 ? 1 : 0)),
      groups: Int32Array.from({ length: 2 * m }, (_, i) => i >> 1),
      domains: dataset.pairs.flatMap((p) => [p.domain ?? null, p.domain ?? null]),
      pairs: { pos: Int32Array.from({ length: m }, (_, i) => 2 * i), neg: Int32Array.from({ length: m }, (_, i) => 2 * i + 1) },
      texts,
    };
    return {
      kind: "pairs",
      texts,
      classes,
      paths,
      binary,
      rows: Int32Array.from({ length: 2 * m }, (_, i) => i),
      positiveClass: "positive",
      negativeClass: "negative",
      classNames: ["negative", "positive"],
      domains: [...new Set(dataset.pairs.map((p) => p.domain).filter((d): d is string => d !== undefined))].sort(),
    };
  }
  const classNames = [...new Set(dataset.examples.map((e) => e.label))].sort();
  const positiveClass = contrast?.positive ?? classNames[1]!;
  const negativeClass = contrast?.negative ?? classNames[0]!;
  const rows: number[] = [];
  dataset.examples.forEach((e, i) => {
    if (e.label === positiveClass || negativeClass === "rest" || e.label === negativeClass) rows.push(i);
  });
  const texts = dataset.examples.map((e) => e.text);
  const binary: BinaryData = {
    n: rows.length,
    y: Uint8Array.from(rows, (i) => (dataset.examples[i]!.label === positiveClass ? 1 : 0)),
    groups: Int32Array.from(rows, (_, t) => t),
    domains: rows.map((i) => dataset.examples[i]!.domain ?? null),
    pairs: null,
    texts: rows.map((i) => texts[i]!),
  };
  return {
    kind: "labelled",
    texts,
    classes: dataset.examples.map((e) => e.label),
    paths: dataset.examples.map((_, i) => `${prefix}.examples[${i}].text`),
    binary,
    rows: Int32Array.from(rows),
    positiveClass,
    negativeClass,
    classNames,
    domains: [...new Set(dataset.examples.map((e) => e.domain).filter((d): d is string => d !== undefined))].sort(),
  };
}
