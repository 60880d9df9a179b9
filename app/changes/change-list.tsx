import Link from "next/link";
import type { ChangeItem } from "~/server/services/changes-feed";
import { formatDateTime } from "../_lib/format";

const KIND_LABELS: Record<ChangeItem["kind"], string> = {
  edit: "Edit",
  create: "New technique",
  relations: "Relations",
  merge: "Merge",
  rename: "Rename",
  metadata: "Paper details",
  link: "Paper linked",
  unlink: "Paper unlinked",
};

/** Accepted changes as a list: what changed (linked to where it is now), who proposed and accepted it, when, and why. */
export function ChangeList({ items, compact = false }: { items: ChangeItem[]; compact?: boolean }) {
  return (
    <ol className={`change-list${compact ? " change-list--compact" : ""}`} data-testid="change-list">
      {items.map((item) => (
        <li key={item.key} className="change-list__item" data-testid="change">
          <p className="change-list__title">
            <span className="badge badge--kind">{KIND_LABELS[item.kind]}</span> {item.subject ? <Link href={item.subject.href}>{item.title}</Link> : item.title}
          </p>
          <p className="change-list__meta">
            Proposed by <strong>{item.authorName}</strong>
            {item.reviewerName && (
              <>
                , accepted by <strong>{item.reviewerName}</strong>
              </>
            )}{" "}
            · <time dateTime={new Date(item.reviewedAt).toISOString()}>{formatDateTime(item.reviewedAt)}</time>
          </p>
          {!compact && (
            <p className="change-list__message">
              <span className="visually-hidden">Reason: </span>
              {item.message}
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}
