import Link from "next/link";

export default function NotFound() {
  return (
    <div className="page page--narrow state-page">
      <h1>Not found</h1>
      <p>There is nothing at this address. The technique or paper may have been renamed, or the link is mistyped.</p>
      <p className="actions">
        <Link href="/" className="button">
          Back to the map
        </Link>
        <Link href="/papers" className="button button--ghost">
          Browse papers
        </Link>
      </p>
    </div>
  );
}
