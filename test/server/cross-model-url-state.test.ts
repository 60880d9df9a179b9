/** The across-models page's permalinks: every state survives a trip through the URL; garbage falls back to defaults. */
import { describe, expect, it } from "vitest";
import { CLAIM_METRIC_NAMES } from "../../server/experiments/claims";
import {
  type CrossModelState,
  crossModelExportHref,
  crossModelHref,
  DEFAULT_CROSS_MODEL_STATE,
  parseCrossModelState,
  serializeCrossModelState,
} from "../../server/services/cross-model/url-state";
import { createRng } from "../../workers/probes/stats/rng";

const roundTrip = (s: CrossModelState) => parseCrossModelState(new URLSearchParams(serializeCrossModelState(s).toString()));

describe("across-models URL state", () => {
  it("defaults: curves by layer, everything else chosen by the server", () => {
    expect(DEFAULT_CROSS_MODEL_STATE).toEqual({ view: "curves", metric: null, x: "layer", hook: null, a: null, b: null, v: null });
    expect(parseCrossModelState(new URLSearchParams(""))).toEqual(DEFAULT_CROSS_MODEL_STATE);
    expect(serializeCrossModelState(DEFAULT_CROSS_MODEL_STATE).toString()).toBe("");
  });

  it("reads the documented example", () => {
    const state = parseCrossModelState(new URLSearchParams("?metric=diffmean.accuracy&x=depth&a=stories260K&b=tinystories-qwen2-d64-l4&v=2"));
    expect(state).toEqual({ view: "curves", metric: "diffmean.accuracy", x: "depth", hook: null, a: "stories260K", b: "tinystories-qwen2-d64-l4", v: 2 });
  });

  it("parse(serialize(state)) == state for many states, through URLSearchParams and through Next's searchParams object", () => {
    const rng = createRng(2026);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
    const names = ["stories260K", "tinystories-llama-d64-s1", "tinystories-gpt2-d80-l4", "m.v2_q8_0", "A"];
    for (let i = 0; i < 300; i++) {
      const state: CrossModelState = {
        view: pick(["curves", "agreement"] as const),
        metric: pick([null, ...CLAIM_METRIC_NAMES]),
        x: pick(["layer", "depth"] as const),
        hook: pick([null, "hook_resid_post", "mlp.hook_post", "hook_attn_out"]),
        a: pick([null, ...names]),
        b: pick([null, ...names]),
        v: pick([null, 1, 2, 17, 100_000]),
      };
      expect(roundTrip(state)).toEqual(state);
      // Next.js hands pages an object of strings (or arrays for repeated keys).
      const asObject = Object.fromEntries(serializeCrossModelState(state).entries());
      expect(parseCrossModelState(asObject)).toEqual(state);
      // The page address carries the same state.
      expect(parseCrossModelState(new URL(crossModelHref(7, state), "http://x").searchParams)).toEqual(state);
    }
  });

  it("unknown or malformed values fall back to their defaults, one by one", () => {
    const garbage = parseCrossModelState(
      new URLSearchParams({
        view: "matrix",
        metric: "diffmean.accuracy; drop table runs",
        x: "log",
        hook: "<script>",
        a: "../../etc/passwd",
        b: "-leading-dash",
        v: "2.5",
        unrelated: "whatever",
      }),
    );
    expect(garbage).toEqual(DEFAULT_CROSS_MODEL_STATE);
    for (const v of ["0", "-1", "1e3", "abc", "100001", ""]) expect(parseCrossModelState(new URLSearchParams({ v })).v).toBeNull();
    // One bad value does not spoil the good ones.
    expect(parseCrossModelState(new URLSearchParams({ x: "depth", metric: "nope.nope", v: "3" }))).toEqual({ ...DEFAULT_CROSS_MODEL_STATE, x: "depth", v: 3 });
    // Repeated keys: the first value counts; blank values (a GET form's "default" option) are defaults.
    expect(parseCrossModelState({ x: ["depth", "layer"], metric: "", a: "  " })).toEqual({ ...DEFAULT_CROSS_MODEL_STATE, x: "depth" });
  });

  it("export links carry the state, their view and format", () => {
    const state = { ...DEFAULT_CROSS_MODEL_STATE, metric: "consistency.meanCosine", x: "depth" as const, v: 2 };
    const href = crossModelExportHref(12, state, "curves", "csv");
    const url = new URL(href, "http://x");
    expect(url.pathname).toBe("/api/experiments/12/across-models");
    expect(url.searchParams.get("view")).toBe("curves");
    expect(url.searchParams.get("format")).toBe("csv");
    expect(parseCrossModelState(url.searchParams)).toEqual(state);
  });
});
