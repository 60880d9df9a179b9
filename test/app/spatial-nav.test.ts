/** Arrow keys on the map move to the nearest technique in that direction, by position. */
import { describe, expect, it } from "vitest";
import { arrowDirection, nearestInDirection, startingPoint, type Direction, type Placed } from "../../app/_map/spatial-nav";
import { createRng } from "../../workers/probes/stats/rng";

/** A 3 × 3 grid, 100 apart: ids "r<row>c<col>". */
const grid: Placed<string>[] = [0, 1, 2].flatMap((row) => [0, 1, 2].map((col) => ({ id: `r${row}c${col}`, x: col * 100, y: row * 100 })));
const at = (id: string) => grid.find((p) => p.id === id)!;

describe("spatial navigation", () => {
  it("maps arrow keys to directions and ignores other keys", () => {
    expect(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"].map(arrowDirection)).toEqual(["up", "down", "left", "right"]);
    expect(arrowDirection("Enter")).toBeNull();
    expect(arrowDirection("w")).toBeNull();
  });

  it("moves to the grid neighbour in each direction, and nowhere past the edge", () => {
    const centre = at("r1c1");
    expect(nearestInDirection(centre, grid, "up")).toBe("r0c1");
    expect(nearestInDirection(centre, grid, "down")).toBe("r2c1");
    expect(nearestInDirection(centre, grid, "left")).toBe("r1c0");
    expect(nearestInDirection(centre, grid, "right")).toBe("r1c2");
    expect(nearestInDirection(at("r0c0"), grid, "up")).toBeNull();
    expect(nearestInDirection(at("r0c0"), grid, "left")).toBeNull();
    expect(nearestInDirection(at("r2c2"), grid, "right")).toBeNull();
  });

  it("prefers a node within 45° of the direction over a closer one off to the side", () => {
    // An outline: a parent and its indented child just below, and the next column far to the right.
    const nodes: Placed<string>[] = [
      { id: "parent", x: 0, y: 0 },
      { id: "child", x: 30, y: 66 },
      { id: "next-column", x: 320, y: 10 },
    ];
    expect(nearestInDirection(nodes[0]!, nodes, "right")).toBe("next-column");
    expect(nearestInDirection(nodes[0]!, nodes, "down")).toBe("child");
    // Outside every cone, the half-plane still counts: from the child, "up" reaches the parent.
    expect(nearestInDirection(nodes[1]!, nodes, "up")).toBe("parent");
  });

  it("never moves backwards or sideways, and the result is the best-scoring candidate ahead (random layouts)", () => {
    const rng = createRng(77);
    const dirs: Direction[] = ["up", "down", "left", "right"];
    for (let trial = 0; trial < 200; trial++) {
      const nodes: Placed<number>[] = Array.from({ length: 25 }, (_, id) => ({ id, x: Math.round(rng.next() * 1000), y: Math.round(rng.next() * 1000) }));
      const from = nodes[0]!;
      for (const d of dirs) {
        const got = nearestInDirection(from, nodes, d);
        const ahead = nodes.filter((n) => n.id !== from.id && (d === "right" ? n.x > from.x + 0.5 : d === "left" ? n.x < from.x - 0.5 : d === "down" ? n.y > from.y + 0.5 : n.y < from.y - 0.5));
        if (ahead.length === 0) {
          expect(got).toBeNull();
          continue;
        }
        const target = nodes.find((n) => n.id === got)!;
        expect(ahead).toContain(target);
        // Independent check by brute force: rank by (outside the 45° cone, along + 2·across).
        const key = (n: Placed<number>) => {
          const along = d === "right" ? n.x - from.x : d === "left" ? from.x - n.x : d === "down" ? n.y - from.y : from.y - n.y;
          const across = d === "right" || d === "left" ? Math.abs(n.y - from.y) : Math.abs(n.x - from.x);
          return [across <= along ? 0 : 1, along + 2 * across] as const;
        };
        const sorted = [...ahead].sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);
        expect(key(target)).toEqual(key(sorted[0]!));
      }
    }
  });

  it("starts from the node nearest the top-left of the view (or of the map when the view is empty)", () => {
    expect(startingPoint(grid, { x1: 50, y1: 50, x2: 250, y2: 250 })).toBe("r1c1");
    expect(startingPoint(grid, { x1: -10, y1: -10, x2: 500, y2: 500 })).toBe("r0c0");
    expect(startingPoint(grid, { x1: 5000, y1: 5000, x2: 6000, y2: 6000 })).toBe("r0c0");
    expect(startingPoint([], { x1: 0, y1: 0, x2: 1, y2: 1 })).toBeNull();
  });
});
