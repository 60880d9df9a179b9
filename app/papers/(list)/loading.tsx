export default function Loading() {
  return (
    <div className="page" role="status" aria-live="polite">
      <span className="visually-hidden">Loading papers…</span>
      <div className="skeleton" style={{ width: "30%", height: "2.2rem" }} />
      <div className="skeleton" style={{ height: "4.5rem" }} />
      {[0, 1, 2, 3, 4].map((i) => (
        <div key={i} className="skeleton" style={{ height: "3.6rem" }} />
      ))}
    </div>
  );
}
