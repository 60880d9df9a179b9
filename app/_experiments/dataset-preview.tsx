import type { DatasetPreview } from "~/server/services/datasets/parse-dataset";

/** A data set's first rows and its counts per class and domain; every value is shown as text. */
export function DatasetPreviewView({ preview }: { preview: DatasetPreview }) {
  const columns = preview.kind === "labelled" ? ["text", "label", "domain"] : ["positive", "negative", "domain"];
  const shown = columns.filter((c) => c !== "domain" || preview.firstRows.some((r) => r.domain !== undefined && r.domain !== ""));
  return (
    <div className="dataset-preview" data-testid="dataset-preview">
      <p>
        <strong>{preview.kind === "labelled" ? "Labelled prompts" : "Contrastive pairs"}</strong>: {preview.rows.toLocaleString("en-US")}{" "}
        {preview.kind === "labelled" ? (preview.rows === 1 ? "example" : "examples") : preview.rows === 1 ? "pair" : "pairs"}
        {preview.kind === "pairs" && <> ({(preview.rows * 2).toLocaleString("en-US")} prompts)</>}
      </p>
      {(preview.classes.length > 0 || preview.domains.length > 0) && (
        <div className="dataset-preview__counts">
          {preview.classes.length > 0 && (
            <dl className="counts" aria-label="Examples per class" data-testid="dataset-classes">
              {preview.classes.map((c) => (
                <div key={c.name}>
                  <dt>{c.name}</dt>
                  <dd>{c.count}</dd>
                </div>
              ))}
            </dl>
          )}
          {preview.domains.length > 0 && (
            <dl className="counts" aria-label="Rows per domain" data-testid="dataset-domains">
              {preview.domains.map((c) => (
                <div key={c.name}>
                  <dt>domain {c.name}</dt>
                  <dd>{c.count}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      )}
      <div className="table-scroll">
        <table className="data-table">
          <caption className="visually-hidden">First rows of the data set</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              {shown.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.firstRows.map((r, i) => (
              <tr key={i}>
                <td>{i + 1}</td>
                {shown.map((c) => (
                  <td key={c}>{r[c] ?? ""}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.firstRows.length < preview.rows && <p className="hint">The first {preview.firstRows.length} of {preview.rows.toLocaleString("en-US")} rows.</p>}
    </div>
  );
}

/** Average characters per prompt in the rows shown (for the work estimate when the file itself is not at hand). */
export function averageChars(preview: DatasetPreview): number {
  const texts = preview.firstRows.flatMap((r) => (preview.kind === "labelled" ? [r.text ?? ""] : [r.positive ?? "", r.negative ?? ""]));
  if (texts.length === 0) return 40;
  return texts.reduce((s, t) => s + t.length, 0) / texts.length;
}

/** Prompts the model reads for this data set (a pair is two). */
export const promptCount = (preview: DatasetPreview) => (preview.kind === "pairs" ? preview.rows * 2 : preview.rows);
