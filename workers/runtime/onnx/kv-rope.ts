/**
 * RoPE for the KV-cache graph in fewer nodes: rope(x) = x·cos + (x·R)·sin, with full-width tables
 * [B, S, 1, D] (each frequency repeated for both dims of its pair) and R the fixed signed
 * permutation that maps each pair (a, b) to (−b, a). Four nodes per application instead of
 * rope.ts's nine or ten, and the same float32 results: x·R holds exactly one ±x per entry, so
 * every output is the same a·cos − b·sin / b·cos + a·sin as rope.ts computes. Decoding runs the
 * graph once per token, where per-node cost dominates; the full-sequence graph keeps rope.ts.
 */
import type { Value } from "./builder";
import type { BuildContext } from "./context";
import { inverseFrequencies } from "./rope";

export interface RotationRopeTables {
  cos: Value;
  sin: Value;
  /** [D, D] signed permutation. */
  rotation: Value;
}

/** The partner dim of each dim and the sign it is read with, for the model's layout. */
function pairing(D: number, layout: "rotate-half" | "adjacent-pairs"): Array<{ partner: number; sign: number; freq: number }> {
  const half = D / 2;
  return Array.from({ length: D }, (_, i) => {
    if (layout === "rotate-half") return i < half ? { partner: i + half, sign: -1, freq: i } : { partner: i - half, sign: 1, freq: i - half };
    return i % 2 === 0 ? { partner: i + 1, sign: -1, freq: i / 2 } : { partner: i - 1, sign: 1, freq: (i - 1) / 2 };
  });
}

export function rotationRopeTables(ctx: BuildContext, positionIds: Value): RotationRopeTables {
  const { g, config } = ctx;
  if (config.ropeTheta === null || config.ropeLayout === null) throw new Error("model has no RoPE");
  const D = config.headDim;
  if (D % 2 !== 0) throw new Error(`RoPE needs an even head dimension, got ${D}`);
  const inv = inverseFrequencies(D, config.ropeTheta);
  const pairs = pairing(D, config.ropeLayout);
  // (x·R)[i] = sign_i · x[partner_i]: R[partner_i][i] = sign_i
  const rotation = new Array<number>(D * D).fill(0);
  pairs.forEach((p, i) => (rotation[p.partner * D + i] = p.sign));
  const invFull = g.constFloat(pairs.map((p) => inv[p.freq]!), [D]);
  const angles = g.mul(g.unsqueeze(g.cast(positionIds, "float"), [2]), invFull); // [B, S, D]
  return { cos: g.unsqueeze(g.cos(angles), [2]), sin: g.unsqueeze(g.sin(angles), [2]), rotation: g.constFloat(rotation, [D, D]) };
}

/** Rotates x [B, S, H, D] by the tables. */
export function applyRotationRope(ctx: BuildContext, x: Value, tables: RotationRopeTables): Value {
  const { g } = ctx;
  return g.add(g.mul(x, tables.cos), g.mul(g.matmul(x, tables.rotation), tables.sin));
}
