import Link from "next/link";

/** Page numbers around the current page, with gaps: 1 … 4 5 [6] 7 8 … 20. */
function pageWindow(page: number, pageCount: number): Array<number | "gap"> {
  const pages = new Set([1, pageCount, page - 2, page - 1, page, page + 1, page + 2].filter((p) => p >= 1 && p <= pageCount));
  const sorted = [...pages].sort((a, b) => a - b);
  const out: Array<number | "gap"> = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (typeof last === "number" && p - last > 1) out.push("gap");
    out.push(p);
  }
  return out;
}

/** `label` names the navigation landmark; a page with two lists gives each its own (landmarks must differ). */
export function Pagination({ page, pageCount, href, label = "Pages" }: { page: number; pageCount: number; href: (page: number) => string; label?: string }) {
  if (pageCount <= 1) return null;
  return (
    <nav className="pagination" aria-label={label}>
      <ul>
        {page > 1 && (
          <li>
            <Link href={href(page - 1)} rel="prev">
              ← Previous
            </Link>
          </li>
        )}
        {pageWindow(page, pageCount).map((p, i) =>
          p === "gap" ? (
            <li key={`gap-${i}`}>
              <span className="gap" aria-hidden="true">
                …
              </span>
            </li>
          ) : (
            <li key={p}>
              {p === page ? (
                <span aria-current="page">
                  <span className="visually-hidden">Page </span>
                  {p}
                </span>
              ) : (
                <Link href={href(p)} aria-label={`Page ${p}`}>
                  {p}
                </Link>
              )}
            </li>
          ),
        )}
        {page < pageCount && (
          <li>
            <Link href={href(page + 1)} rel="next">
              Next →
            </Link>
          </li>
        )}
      </ul>
    </nav>
  );
}
