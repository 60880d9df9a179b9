/** Arrow-key navigation on the map: the nearest technique in the pressed direction, by position. Pure. */

export type Direction = "up" | "down" | "left" | "right";

export interface Placed<Id> {
  id: Id;
  x: number;
  y: number;
}

const ARROWS: Record<string, Direction> = { ArrowUp: "up", ArrowDown: "down", ArrowLeft: "left", ArrowRight: "right" };

/** "ArrowUp" → "up"; null for any other key. */
export function arrowDirection(key: string): Direction | null {
  return ARROWS[key] ?? null;
}

/** Distance along the pressed direction (positive = ahead) and across it. Screen y grows downwards. */
function axes(from: { x: number; y: number }, to: { x: number; y: number }, direction: Direction): { along: number; across: number } {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  switch (direction) {
    case "right":
      return { along: dx, across: Math.abs(dy) };
    case "left":
      return { along: -dx, across: Math.abs(dy) };
    case "down":
      return { along: dy, across: Math.abs(dx) };
    case "up":
      return { along: -dy, across: Math.abs(dx) };
  }
}

/** Offsets smaller than this (map units) count as "level with": a pixel of layout noise must not decide. */
const LEVEL = 0.5;
/** Sideways distance costs more than distance ahead, so "down" prefers the row below over a far column. */
const ACROSS_WEIGHT = 2;

/**
 * The candidate nearest to `from` in `direction`: only candidates ahead count; those within 45° of
 * the direction come first (pressing → in a column of rows moves to the next column, not to the row
 * below), then the rest of the half-plane. Among them the lowest `along + 2·across` wins; ties go to
 * the candidate listed first. Returns null when nothing lies that way (the selection stays put).
 */
export function nearestInDirection<Id>(from: Placed<Id>, candidates: ReadonlyArray<Placed<Id>>, direction: Direction): Id | null {
  let best: { id: Id; cone: boolean; score: number } | null = null;
  for (const c of candidates) {
    if (c.id === from.id) continue;
    const { along, across } = axes(from, c, direction);
    if (along <= LEVEL) continue;
    const cone = across <= along;
    const score = along + ACROSS_WEIGHT * across;
    if (!best || (cone && !best.cone) || (cone === best.cone && score < best.score)) best = { id: c.id, cone, score };
  }
  return best?.id ?? null;
}

/**
 * Where keyboard navigation starts when nothing is focused yet: the candidate nearest the top-left
 * corner of what is on screen (`view`), or of the whole map when nothing is on screen.
 */
export function startingPoint<Id>(candidates: ReadonlyArray<Placed<Id>>, view: { x1: number; y1: number; x2: number; y2: number }): Id | null {
  const inView = candidates.filter((c) => c.x >= view.x1 && c.x <= view.x2 && c.y >= view.y1 && c.y <= view.y2);
  const pool = inView.length > 0 ? inView : candidates;
  const corner = inView.length > 0 ? { x: view.x1, y: view.y1 } : { x: Math.min(...pool.map((c) => c.x)), y: Math.min(...pool.map((c) => c.y)) };
  let best: { id: Id; d: number } | null = null;
  for (const c of pool) {
    const d = Math.hypot(c.x - corner.x, c.y - corner.y);
    if (!best || d < best.d) best = { id: c.id, d };
  }
  return best?.id ?? null;
}
