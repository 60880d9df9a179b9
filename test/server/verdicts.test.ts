/**
 * Claim verdicts (server/experiments/verdicts.ts), pure: each case's metrics and expected verdict,
 * blocks and numbers are written out by hand.
 */
import { describe, expect, it } from "vitest";
import { RUN_VERDICTS } from "../../db/schema";
import { type Claim, claimSchema } from "../../server/experiments/claims";
import { type ClaimCheck, checkClaim, checkClaims, readClaimChecks, runVerdictOf } from "../../server/experiments/verdicts";

/** Per-layer rows of one method at one hook, as the probe engine writes them (concrete hook names). */
function rows(values: Array<number | null>, fields: string[], hook = "hook_resid_post"): Array<Record<string, unknown>> {
  return values.map((v, layer) => ({ hook: `blocks.${layer}.${hook}`, layer, ...Object.fromEntries(fields.map((f) => [f, v])) }));
}

/** diffmean accuracy (and auroc) per block, and logistic controlAccuracy. */
function metrics(accuracy: Array<number | null>, controlAccuracy: number[] = []) {
  return {
    engine: "mechmap-probes",
    methods: [
      { method: "diffmean", perLayer: rows(accuracy, ["accuracy", "auroc"]) },
      { method: "logistic", perLayer: rows(controlAccuracy, ["controlAccuracy"]) },
    ],
  };
}

const claim = (c: Record<string, unknown>): Claim => claimSchema.parse(c);
const acc = (where: Record<string, unknown>, comparison: string, value: number, extra: Record<string, unknown> = {}) =>
  claim({ metric: "diffmean.accuracy", where, comparison, value, ...extra });

const FIVE = metrics([0.5, 0.6, 0.7, 0.8, 0.9]);

describe("a claim at one block", () => {
  it("within: the block's value meets the bound", () => {
    const check = checkClaim(acc({ kind: "layer", layer: 3 }, "gte", 0.75), FIVE, 5);
    expect(check).toEqual({
      claimIndex: 0,
      metric: "diffmean.accuracy",
      claimedOn: null,
      hook: "blocks.{L}.hook_resid_post",
      verdict: "reproduced",
      measured: [{ layer: 3, depth: 0.75, value: 0.8, holds: true }],
      summary: "claimed ≥ 0.75 at block 3; measured 0.800 at block 3 of 5 (depth 0.75)",
    });
  });

  it("outside: the block's value misses the bound", () => {
    const check = checkClaim(acc({ kind: "layer", layer: 3 }, "gte", 0.85), FIVE, 5);
    expect(check.verdict).toBe("not_reproduced");
    expect(check.measured).toEqual([{ layer: 3, depth: 0.75, value: 0.8, holds: false }]);
    expect(checkClaim(acc({ kind: "layer", layer: 1 }, "lte", 0.6), FIVE, 5).verdict).toBe("reproduced");
    expect(checkClaim(acc({ kind: "layer", layer: 2 }, "lte", 0.6), FIVE, 5).verdict).toBe("not_reproduced");
  });

  it("says which model the author reported it on", () => {
    expect(checkClaim(acc({ kind: "layer", layer: 3 }, "gte", 0.75, { model: "stories260K" }), FIVE, 5).claimedOn).toBe("stories260K");
  });
});

describe("a claim over a range of relative depth", () => {
  it("every measured block in range holds → reproduced", () => {
    const check = checkClaim(acc({ kind: "relativeDepth", from: 0.75, to: 1 }, "gte", 0.75), FIVE, 5);
    expect(check.verdict).toBe("reproduced");
    expect(check.measured.map((p) => [p.layer, p.value, p.holds])).toEqual([
      [3, 0.8, true],
      [4, 0.9, true],
    ]);
    expect(check.summary).toBe("claimed ≥ 0.75 at relative depth 0.75–1; measured 0.800 at block 3 of 5 (depth 0.75), 0.900 at block 4 of 5 (depth 1)");
  });

  it("some blocks hold → partly, with how many", () => {
    // Blocks 2, 3, 4 (depths 0.5, 0.75, 1) read 0.7, 0.8, 0.9: two of three reach 0.75.
    const check = checkClaim(acc({ kind: "relativeDepth", from: 0.5, to: 1 }, "gte", 0.75), FIVE, 5);
    expect(check.verdict).toBe("partly");
    expect(check.measured.map((p) => [p.layer, p.holds])).toEqual([
      [2, false],
      [3, true],
      [4, true],
    ]);
    expect(check.summary).toContain("holds at 2 of 3 blocks");
  });

  it("no block holds → not reproduced", () => {
    const check = checkClaim(acc({ kind: "relativeDepth", from: 0, to: 0.25 }, "gte", 0.75), FIVE, 5);
    expect(check.verdict).toBe("not_reproduced");
    expect(check.measured.map((p) => p.layer)).toEqual([0, 1]);
  });

  it("selects the right blocks of models of different depths", () => {
    const range = acc({ kind: "relativeDepth", from: 0.6, to: 0.8 }, "gte", 0.5);
    // 5 blocks: depths 0, 0.25, 0.5, 0.75, 1 → block 3.
    expect(checkClaim(range, metrics([0.1, 0.2, 0.3, 0.4, 0.5]), 5).measured.map((p) => [p.layer, p.depth])).toEqual([[3, 0.75]]);
    // 6 blocks: depths 0, 0.2, 0.4, 0.6, 0.8, 1 → blocks 3 and 4.
    const six = checkClaim(range, metrics([0.1, 0.2, 0.3, 0.4, 0.6, 0.7]), 6);
    expect(six.measured.map((p) => [p.layer, p.depth])).toEqual([
      [3, 0.6],
      [4, 0.8],
    ]);
    expect(six.verdict).toBe("partly");
    expect(six.summary).toContain("0.400 at block 3 of 6 (depth 0.6), 0.600 at block 4 of 6 (depth 0.8)");
    // 4 blocks: depths 0, 1/3, 2/3, 1 → block 2 only.
    const four = checkClaim(range, metrics([0.1, 0.2, 0.55, 0.3]), 4);
    expect(four.measured).toEqual([{ layer: 2, depth: 2 / 3, value: 0.55, holds: true }]);
    expect(four.summary).toContain("at block 2 of 4 (depth 0.67)");
    // The same peak claim on a 6-block model peaking at block 4 (depth 0.8).
    expect(checkClaim(claim({ metric: "diffmean.accuracy", where: { kind: "peak" }, comparison: "peaksAt", value: 0.75, tolerance: 0.05 }), metrics([0.1, 0.2, 0.3, 0.4, 0.9, 0.8]), 6).verdict).toBe("reproduced");
    expect(checkClaim(claim({ metric: "diffmean.accuracy", where: { kind: "peak" }, comparison: "peaksAt", value: 0.75, tolerance: 0.05 }), metrics([0.1, 0.2, 0.3, 0.9, 0.4]), 5).verdict).toBe("reproduced");
    expect(checkClaim(claim({ metric: "diffmean.accuracy", where: { kind: "peak" }, comparison: "peaksAt", value: 0.75, tolerance: 0.05 }), metrics([0.1, 0.2, 0.9, 0.3]), 4).verdict).toBe("not_reproduced");
  });
});

describe("missing", () => {
  it("the run did not measure the metric", () => {
    const check = checkClaim(claim({ metric: "consistency.meanCosine", where: { kind: "layer", layer: 1 }, comparison: "gte", value: 0.1 }), FIVE, 5);
    expect(check).toMatchObject({ verdict: "missing", hook: null, measured: [] });
    expect(check.summary).toBe("claimed ≥ 0.1 at block 1; the run did not measure consistency.meanCosine");
    expect(checkClaim(acc({ kind: "layer", layer: 1 }, "gte", 0.1), { nothing: true }, 5).verdict).toBe("missing");
    expect(checkClaim(acc({ kind: "layer", layer: 1 }, "gte", 0.1), null, 5).verdict).toBe("missing");
  });

  it("the block is beyond the model, or was not measured", () => {
    expect(checkClaim(acc({ kind: "layer", layer: 7 }, "gte", 0.1), FIVE, 5)).toMatchObject({ verdict: "missing", summary: "claimed ≥ 0.1 at block 7; block 7 is beyond this 5-block model" });
    // Only blocks 0, 2 and 4 measured.
    const sparse = { methods: [{ method: "diffmean", perLayer: [0, 2, 4].map((layer) => ({ hook: `blocks.${layer}.hook_resid_post`, layer, accuracy: 0.9 })) }] };
    expect(checkClaim(acc({ kind: "layer", layer: 1 }, "gte", 0.1), sparse, 5)).toMatchObject({ verdict: "missing", summary: "claimed ≥ 0.1 at block 1; the run did not measure block 1" });
    // A range covering only unmeasured blocks (depth 0.25 = block 1), and one covering some.
    expect(checkClaim(acc({ kind: "relativeDepth", from: 0.2, to: 0.3 }, "gte", 0.1), sparse, 5).verdict).toBe("missing");
    const some = checkClaim(acc({ kind: "relativeDepth", from: 0, to: 0.5 }, "gte", 0.5), sparse, 5);
    expect(some.verdict).toBe("reproduced");
    expect(some.measured.map((p) => p.layer)).toEqual([0, 2]);
    expect(some.summary).toContain("block 1 not measured");
  });

  it("the range selects no block of this model", () => {
    // 3 blocks sit at depths 0, 0.5, 1: nothing in 0.6–0.8.
    const check = checkClaim(acc({ kind: "relativeDepth", from: 0.6, to: 0.8 }, "gte", 0.1), metrics([0.9, 0.9, 0.9]), 3);
    expect(check).toMatchObject({ verdict: "missing", measured: [] });
    expect(check.summary).toBe("claimed ≥ 0.1 at relative depth 0.6–0.8; no block of this 3-block model lies at relative depth 0.6–0.8");
  });

  it("non-finite values count as not measured", () => {
    const withGaps = metrics([0.5, Number.NaN, 0.7, null, 0.9]);
    withGaps.methods[0]!.perLayer[2]!.accuracy = Number.POSITIVE_INFINITY;
    expect(checkClaim(acc({ kind: "layer", layer: 1 }, "gte", 0.1), withGaps, 5)).toMatchObject({ verdict: "missing", summary: "claimed ≥ 0.1 at block 1; diffmean.accuracy is not a finite number at block 1" });
    expect(checkClaim(acc({ kind: "layer", layer: 3 }, "gte", 0.1), withGaps, 5).verdict).toBe("missing");
    expect(checkClaim(acc({ kind: "layer", layer: 2 }, "gte", 0.1), withGaps, 5).verdict).toBe("missing");
    // A range keeps only the finite blocks: 1–3 are gaps, so 0.25–0.75 has nothing.
    expect(checkClaim(acc({ kind: "relativeDepth", from: 0.25, to: 0.75 }, "gte", 0.1), withGaps, 5).verdict).toBe("missing");
    const range = checkClaim(acc({ kind: "relativeDepth", from: 0.5, to: 1 }, "gte", 0.8), withGaps, 5);
    expect(range.verdict).toBe("reproduced");
    expect(range.measured.map((p) => p.layer)).toEqual([4]);
    // The peak ignores the infinite value at block 2.
    expect(checkClaim(acc({ kind: "peak" }, "gte", 0.85), withGaps, 5).measured).toEqual([{ layer: 4, depth: 1, value: 0.9, holds: true }]);
    expect(checkClaim(acc({ kind: "peak" }, "gte", 0.85), metrics([Number.NaN, null]), 2).verdict).toBe("missing");
  });

  it("an unknown model depth checks nothing", () => {
    expect(checkClaim(acc({ kind: "layer", layer: 1 }, "gte", 0.1), FIVE, 0).verdict).toBe("missing");
    expect(checkClaim(acc({ kind: "layer", layer: 1 }, "gte", 0.1), FIVE, Number.NaN).verdict).toBe("missing");
  });
});

describe("peaks", () => {
  // Blocks 1 and 2 tie at 0.9: the peak is the shallower, block 1 (depth 0.25).
  const tied = metrics([0.5, 0.9, 0.9, 0.7, 0.6]);

  it("peak at: the peak block's depth within the tolerance", () => {
    const near = checkClaim(claim({ metric: "diffmean.accuracy", where: { kind: "peak" }, comparison: "peaksAt", value: 0.25, tolerance: 0 }), tied, 5);
    expect(near).toMatchObject({ verdict: "reproduced", measured: [{ layer: 1, depth: 0.25, value: 0.9, holds: true }] });
    expect(near.summary).toBe("claimed to peak at depth 0.25 ± 0; peaks at block 1 of 5 (depth 0.25) with 0.900");
    // |0.25 − 0.5| = 0.25 > 0.2.
    expect(checkClaim(claim({ metric: "diffmean.accuracy", where: { kind: "peak" }, comparison: "peaksAt", value: 0.5, tolerance: 0.2 }), tied, 5).verdict).toBe("not_reproduced");
    // Exactly at the tolerance counts: |0.25 − 0.5| = 0.25.
    expect(checkClaim(claim({ metric: "diffmean.accuracy", where: { kind: "peak" }, comparison: "peaksAt", value: 0.5, tolerance: 0.25 }), tied, 5).verdict).toBe("reproduced");
  });

  it("a bound at the peak compares the largest value", () => {
    expect(checkClaim(acc({ kind: "peak" }, "gte", 0.9), tied, 5)).toMatchObject({ verdict: "reproduced", summary: "claimed ≥ 0.9 at the peak; measured 0.900 at the peak, block 1 of 5 (depth 0.25)" });
    expect(checkClaim(acc({ kind: "peak" }, "gte", 0.95), tied, 5).verdict).toBe("not_reproduced");
  });
});

describe("approximately", () => {
  const control = (x: number) => metrics([0.9], [x]);
  const approx = (value: number, tolerance: number) => claim({ metric: "logistic.controlAccuracy", where: { kind: "layer", layer: 0 }, comparison: "approx", value, tolerance });

  it("holds within the tolerance on either side, and not beyond", () => {
    expect(checkClaim(approx(0.5, 0.1), control(0.58), 1).verdict).toBe("reproduced");
    expect(checkClaim(approx(0.5, 0.1), control(0.43), 1).verdict).toBe("reproduced");
    expect(checkClaim(approx(0.5, 0.1), control(0.61), 1).verdict).toBe("not_reproduced");
    expect(checkClaim(approx(0.5, 0.1), control(0.39), 1).verdict).toBe("not_reproduced");
    // In floating point |0.4 − 0.3| is 0.10000000000000003: the bound itself still counts.
    expect(checkClaim(approx(0.3, 0.1), control(0.4), 1).verdict).toBe("reproduced");
    expect(checkClaim(approx(0.5, 0.1), control(0.58), 1).summary).toBe("claimed ≈ 0.5 ± 0.1 at block 0; measured 0.580 at block 0 of 1 (depth 0)");
  });
});

describe("which series", () => {
  it("the first method entry of that name, at its first hook", () => {
    const m = {
      methods: [
        { method: "diffmean", perLayer: [...rows([0.9, 0.95], ["accuracy"], "hook_attn_out"), ...rows([0.1, 0.2], ["accuracy"], "hook_resid_post")] },
        { method: "diffmean", perLayer: rows([0.3, 0.3], ["accuracy"]) },
      ],
    };
    const check = checkClaim(acc({ kind: "layer", layer: 1 }, "gte", 0.9), m, 2);
    expect(check).toMatchObject({ hook: "blocks.{L}.hook_attn_out", verdict: "reproduced", measured: [{ layer: 1, value: 0.95 }] });
  });
});

describe("a run's verdict", () => {
  const c = (verdict: ClaimCheck["verdict"], i = 0): ClaimCheck => ({ claimIndex: i, metric: "diffmean.accuracy", claimedOn: null, hook: null, verdict, measured: [], summary: "" });

  it("aggregates the checks, leaving missing ones out", () => {
    expect(runVerdictOf([])).toBe("unchecked");
    expect(runVerdictOf([c("missing"), c("missing")])).toBe("unchecked");
    expect(runVerdictOf([c("reproduced"), c("missing"), c("reproduced")])).toBe("reproduced");
    expect(runVerdictOf([c("not_reproduced"), c("missing")])).toBe("not_reproduced");
    expect(runVerdictOf([c("reproduced"), c("not_reproduced")])).toBe("partly");
    expect(runVerdictOf([c("partly")])).toBe("partly");
    expect(runVerdictOf([c("reproduced"), c("partly")])).toBe("partly");
    // Every value it gives is a stored run verdict.
    for (const v of ["unchecked", "reproduced", "not_reproduced", "partly"]) expect(RUN_VERDICTS).toContain(v);
  });

  it("checks every stored claim in order; an unreadable one is missing at its place", () => {
    const stored: unknown[] = [
      { metric: "diffmean.accuracy", model: "any", where: { kind: "layer", layer: 4 }, comparison: "gte", value: 0.85, note: "" },
      { metric: "diffmean.accuracy", where: { kind: "somewhere" }, comparison: "gte", value: 1 },
      { metric: "diffmean.accuracy", model: "other-model", where: { kind: "layer", layer: 0 }, comparison: "gte", value: 0.85, note: "" },
    ];
    const { verdict, checks } = checkClaims(stored, FIVE, 5);
    expect(checks.map((x) => [x.claimIndex, x.verdict, x.claimedOn])).toEqual([
      [0, "reproduced", null],
      [1, "missing", null],
      [2, "not_reproduced", "other-model"],
    ]);
    expect(verdict).toBe("partly");
    expect(checkClaims([], FIVE, 5)).toEqual({ verdict: "unchecked", checks: [] });
    // Stored details read back as they were written (through JSON); junk is dropped.
    expect(readClaimChecks(JSON.parse(JSON.stringify([...checks, { junk: true }])))).toEqual(checks);
    expect(readClaimChecks(null)).toEqual([]);
  });
});
