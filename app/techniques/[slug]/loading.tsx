export default function Loading() {
  return (
    <div className="page" role="status" aria-live="polite">
      <span className="visually-hidden">Loading the technique…</span>
      <div className="skeleton" style={{ width: "40%", height: "2.2rem" }} />
      <div className="skeleton" style={{ width: "70%" }} />
      <div className="skeleton" style={{ width: "90%", height: "8rem" }} />
    </div>
  );
}
