/** Shapes of the demo experiments' data sets (the rows an upload of JSONL would hold). */
export interface DemoPair {
  positive: string;
  negative: string;
  domain: string;
}

export interface DemoLabelled {
  text: string;
  label: string;
  domain: string;
}

export interface DemoPairsDataset {
  name: string;
  kind: "pairs";
  rows: DemoPair[];
}

export interface DemoLabelledDataset {
  name: string;
  kind: "labelled";
  rows: DemoLabelled[];
}

export type DemoDataset = DemoPairsDataset | DemoLabelledDataset;

/** Writes pairs of one domain compactly: [positive, negative]. */
export function pairsIn(domain: string, rows: Array<[string, string]>): DemoPair[] {
  return rows.map(([positive, negative]) => ({ positive, negative, domain }));
}

/** Writes labelled prompts of one domain and label compactly. */
export function labelledIn(domain: string, label: string, texts: string[]): DemoLabelled[] {
  return texts.map((text) => ({ text, label, domain }));
}
