/**
 * activationPatching on models built in memory: the planted copy head is found at its layer and
 * position (and only there), a random tiny model agrees with the float64 reference (one full forward
 * per cell), results are deterministic, and inputs the method cannot use are refused by name.
 */
import { describe, expect, it } from "vitest";
import type { ActivationPatchingParams } from "../../../server/probes/spec";
import { activationPatching } from "../../../workers/probes/causal/activation-patching";
import { createCausalContext } from "../../../workers/probes/causal/context";
import type { ProbeProgress } from "../../../workers/probes/progress";
import { toStableJson } from "../../../workers/probes/serialize";
import { randomWordModel, refusal, testModelHost } from "./hosted-test-models";
import { copyModel } from "./patching-planted-models";
import { referencePatching } from "./patching-reference";

const host = testModelHost("patching");
const planted = copyModel();
const copy = host(planted.weights, planted.tokenizer, { name: "copy" });
const { weights: randomModelWeights, tokenizer: randomTokenizer, model: random } = randomWordModel(host, 5);

function context(model: typeof copy, onProgress?: (p: ProbeProgress) => void | Promise<void>, signal?: AbortSignal) {
  return createCausalContext(model, { seed: 3, path: "methods[0]", percent: (f) => 100 * f, ...(onProgress ? { onProgress } : {}), ...(signal ? { signal } : {}) });
}

function params(pairs: ActivationPatchingParams["pairs"], overrides: Partial<ActivationPatchingParams> = {}): ActivationPatchingParams {
  return { method: "activationPatching", pairs, components: ["resid", "heads"], layers: "all", ...overrides };
}

const copyPairs = [
  { clean: "Ann saw the dog", corrupted: "Bob saw the dog", answer: " Ann", wrongAnswer: " Bob" },
  { clean: "Cat ran the dog", corrupted: "Ann ran the dog", answer: " Cat", wrongAnswer: " Ann" },
];

describe("activationPatching", () => {
  it("finds the planted copy head: the name's position up to its layer, the last position after it, and head (1, 0)", async () => {
    const { result } = await activationPatching(copy, params(copyPairs), context(copy));
    expect(result.pairs).toBe(2);
    expect(result.layers).toEqual([0, 1, 2]);
    expect(result.tokens).toEqual(["<s>", "Ann", "saw", "the", "dog"]);
    expect(result.cleanLogitDiff).toBeGreaterThan(4);
    expect(result.corruptedLogitDiff).toBeCloseTo(-result.cleanLogitDiff, 4);
    const expectedResid = [
      [0, 1, 0, 0, 0],
      [0, 1, 0, 0, 0],
      [0, 0, 0, 0, 1],
    ];
    const expectedHeads = [
      [0, 0],
      [1, 0],
      [0, 0],
    ];
    result.resid!.forEach((row, l) => row.forEach((v, t) => expect(v, `resid layer ${l} position ${t}`).toBeCloseTo(expectedResid[l]![t]!, 4)));
    result.heads!.forEach((row, l) => row.forEach((v, h) => expect(v, `head ${l}.${h}`).toBeCloseTo(expectedHeads[l]![h]!, 4)));
  });

  it("agrees with the float64 reference (one full forward per cell) on a random model", async () => {
    const pairs = [
      { clean: "w10 w11 w12 w13 w14", corrupted: "w20 w11 w12 w13 w14", answer: " w30", wrongAnswer: " w31" },
      { clean: "w40 w41 w42 w43 w44", corrupted: "w40 w41 w50 w43 w44", answer: " w33", wrongAnswer: " w35" },
    ];
    const ctx = context(random);
    const { result } = await activationPatching(random, params(pairs), ctx);
    const ref = referencePatching(
      randomModelWeights,
      pairs.map((p) => ({ clean: ctx.tokenize(p.clean, "clean"), corrupted: ctx.tokenize(p.corrupted, "corrupted"), answer: randomTokenizer.id(p.answer.trim()), wrong: randomTokenizer.id(p.wrongAnswer.trim()) })),
      [0, 1, 2],
    );
    // The normalisation divides by this gap; a small one would amplify float32 noise.
    expect(Math.abs(ref.cleanLogitDiff - ref.corruptedLogitDiff)).toBeGreaterThan(0.1);
    expect(result.cleanLogitDiff).toBeCloseTo(ref.cleanLogitDiff, 4);
    expect(result.corruptedLogitDiff).toBeCloseTo(ref.corruptedLogitDiff, 4);
    ref.resid.forEach((row, l) => row.forEach((v, t) => expect(result.resid![l]![t]!, `resid ${l},${t}`).toBeCloseTo(v, 3)));
    ref.heads.forEach((row, l) => row.forEach((v, h) => expect(result.heads![l]![h]!, `head ${l}.${h}`).toBeCloseTo(v, 3)));
    // Not a degenerate map: some cells restore a real share of the difference, others do not.
    const all = [...ref.resid.flat(), ...ref.heads.flat()];
    expect(Math.max(...all.map(Math.abs))).toBeGreaterThan(0.2);
    expect(all.filter((v) => Math.abs(v) < 1e-9).length).toBeGreaterThan(0);
  });

  it("is deterministic and does not depend on how the patched copies are batched", async () => {
    const p = params(copyPairs.slice(0, 1), { layers: [1, 2] });
    const a = await activationPatching(copy, p, context(copy));
    const b = await activationPatching(copy, p, context(copy));
    expect(toStableJson(a.result)).toBe(toStableJson(b.result));
    // One position per forward run: the same numbers to float32 precision.
    const narrow = host(planted.weights, planted.tokenizer, { maxBatchTokens: 5 });
    const c = await activationPatching(narrow, p, context(narrow));
    c.result.resid!.flat().forEach((v, i) => expect(v).toBeCloseTo(a.result.resid!.flat()[i]!, 5));
    c.result.heads!.flat().forEach((v, i) => expect(v).toBeCloseTo(a.result.heads!.flat()[i]!, 5));
  });

  it("patches only what was asked: heads only, a subset of layers", async () => {
    const { result } = await activationPatching(copy, params(copyPairs, { components: ["heads"], layers: [1] }), context(copy));
    expect(result.resid).toBeUndefined();
    expect(result.layers).toEqual([1]);
    expect(result.heads).toHaveLength(1);
    expect(result.heads![0]![0]).toBeCloseTo(1, 4);
    expect(result.heads![0]![1]).toBeCloseTo(0, 4);
  });

  it("refuses pairs it cannot patch, naming the pair", async () => {
    const ctx = context(copy);
    expect(await refusal(activationPatching(copy, params([copyPairs[0]!, { ...copyPairs[1]!, corrupted: "Ann ran the dog saw" }]), ctx))).toMatch(
      /^methods\[0\]\.pairs\[1\]: the clean prompt is 5 tokens and the corrupted prompt 6 \(from token 1: "Cat" "ran" "the" "dog" vs "Ann" "ran" "the" "dog"\)/,
    );
    // Pairs of different lengths: fine for heads, not for the position-by-position resid map.
    const longer = { clean: "Cat ran the dog saw", corrupted: "Ann ran the dog saw", answer: " Cat", wrongAnswer: " Ann" };
    expect(await refusal(activationPatching(copy, params([copyPairs[0]!, longer]), ctx))).toContain("pairs[1]: the prompts are 6 tokens but pair 0's are 5");
    await expect(activationPatching(copy, params([copyPairs[0]!, longer], { components: ["heads"] }), ctx)).resolves.toBeDefined();
    expect(await refusal(activationPatching(copy, params([{ ...copyPairs[0]!, clean: "  " }]), ctx))).toContain("methods[0].pairs[0].clean: the prompt has no tokens");
    expect(await refusal(activationPatching(copy, params([{ ...copyPairs[0]!, wrongAnswer: " Ann" }]), ctx))).toContain("the answer and the wrong answer start with the same token");
    expect(await refusal(activationPatching(copy, params(copyPairs, { layers: [1, 7] }), ctx))).toContain("methods[0].layers: layer 7 does not exist");
  });

  it("reports progress and stops between batches when the run is stopped", async () => {
    const reports: ProbeProgress[] = [];
    const controller = new AbortController();
    const error = await activationPatching(
      copy,
      params(copyPairs),
      context(
        copy,
        (p) => {
          reports.push(p);
          controller.abort(new Error("stopped by the test"));
        },
        controller.signal,
      ),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe("stopped by the test");
    expect(reports).toHaveLength(1);
    expect(reports[0]!.stage).toBe("activation patching");

    const all: ProbeProgress[] = [];
    await activationPatching(copy, params(copyPairs), context(copy, (p) => void all.push(p)));
    expect(all.length).toBeGreaterThan(2);
    const percents = all.map((p) => p.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents[percents.length - 1]).toBe(100);
  });
});
