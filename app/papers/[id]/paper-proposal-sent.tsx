import Link from "next/link";

/** "Your correction is waiting for review: proposal #12", with its page (where it can be discussed). */
export function PaperProposalSent({ id, what }: { id: number; what: string }) {
  return (
    <div className="notice notice--success" role="status" data-testid="paper-proposal-sent">
      Your {what} is waiting for review: <Link href={`/review/papers/${id}`}>paper proposal #{id}</Link>. It is listed below under “Proposed changes”, and you can discuss it on its page.
    </div>
  );
}
