export default function Loading() {
  return (
    <div className="page loading-state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      Loading…
    </div>
  );
}
