/** The map's shareable URL: every state survives a trip through the URL; garbage falls back to defaults. */
import { describe, expect, it } from "vitest";
import { FACETS, UNSPECIFIED } from "../../app/_lib/facets";
import { COLOR_MODES, DEFAULT_MAP_STATE, MAX_ZOOM, MIN_ZOOM, parseMapState, roundedView, serializeMapState, type MapUrlState } from "../../app/_map/url-state";
import { createRng } from "../../workers/probes/stats/rng";

const roundTrip = (s: MapUrlState) => parseMapState(new URLSearchParams(serializeMapState(s).toString()));

describe("map URL state", () => {
  it("defaults: nothing selected, coloured by approach, no filters, relations hidden, the layout's own view", () => {
    expect(parseMapState(new URLSearchParams(""))).toEqual(DEFAULT_MAP_STATE);
    expect(DEFAULT_MAP_STATE).toEqual({ selected: null, color: "approach", hidden: { approach: [], direction: [], unit: [] }, showRelations: false, view: null });
    expect(serializeMapState(DEFAULT_MAP_STATE).toString()).toBe("");
  });

  it("reads the documented example", () => {
    const state = parseMapState(new URLSearchParams("?selected=probing&color=reproduction&zoom=1.4&x=120&y=-30&show=relations&hide=approach:observational,unit:neuron"));
    expect(state).toEqual({
      selected: "probing",
      color: "reproduction",
      hidden: { approach: ["observational"], direction: [], unit: ["neuron"] },
      showRelations: true,
      view: { zoom: 1.4, x: 120, y: -30 },
    });
    // And from Next's searchParams object (repeated keys arrive as arrays: the first one counts).
    expect(parseMapState({ selected: ["probing", "other"], color: "unit", zoom: "2", x: "0", y: "0" })).toMatchObject({ selected: "probing", color: "unit", view: { zoom: 2, x: 0, y: 0 } });
  });

  it("parse(serialize(state)) == state for many random states (views rounded as stored)", () => {
    const rng = createRng(1010);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
    for (let i = 0; i < 300; i++) {
      const hidden = { approach: [] as string[], direction: [] as string[], unit: [] as string[] };
      for (const f of FACETS) for (const v of [...f.values, UNSPECIFIED]) if (rng.next() < 0.25) hidden[f.key].push(v);
      const view = rng.next() < 0.7 ? roundedView({ zoom: MIN_ZOOM + rng.next() * (MAX_ZOOM - MIN_ZOOM), x: (rng.next() - 0.5) * 8000, y: (rng.next() - 0.5) * 8000 }) : null;
      const state: MapUrlState = {
        selected: rng.next() < 0.5 ? pick(["probing", "linear-probing", "causal-tracing", "a1-b2"]) : null,
        color: pick(COLOR_MODES),
        hidden,
        showRelations: rng.next() < 0.5,
        view,
      };
      // Hidden values come back in the filters' order, which is how they were generated.
      expect(roundTrip(state)).toEqual(state);
    }
  });

  it("keeps other parameters (the list view switch) and writes defaults as nothing", () => {
    const base = new URLSearchParams("view=list&selected=old");
    const params = serializeMapState({ ...DEFAULT_MAP_STATE, selected: "steering" }, base);
    expect(params.get("view")).toBe("list");
    expect(params.get("selected")).toBe("steering");
    expect(serializeMapState(DEFAULT_MAP_STATE, base).toString()).toBe("view=list");
  });

  it("garbage falls back to the default of each field, field by field", () => {
    const garbage = [
      "selected=../../etc&color=purple&zoom=NaN&x=1&y=2",
      "selected=Has Spaces&color=&zoom=1e400&x=0&y=0",
      "selected=-leading&zoom=99&x=0&y=0",
      "zoom=1&x=Infinity&y=0",
      "zoom=1&x=5",
      "zoom=0.01&x=0&y=0",
      "x=1e9&y=0&zoom=1",
      "hide=approach:nonsense,color:blue,unit,:,,unit:neuron:extra",
      "show=everything",
      `selected=${"a".repeat(200)}`,
    ];
    for (const q of garbage) {
      const s = parseMapState(new URLSearchParams(q));
      expect(s.selected, q).toBeNull();
      expect(s.color, q).toBe("approach");
      expect(s.view, q).toBeNull();
      expect(s.showRelations, q).toBe(false);
    }
    // Unknown filter pairs are dropped, known ones kept once.
    expect(parseMapState(new URLSearchParams("hide=approach:nonsense,unit:neuron,unit:neuron,direction:top-down,unit:circuit:x")).hidden).toEqual({ approach: [], direction: ["top-down"], unit: ["neuron"] });
    // One bad field does not spoil the others.
    expect(parseMapState(new URLSearchParams("selected=probing&color=purple&zoom=abc&x=0&y=0&show=relations"))).toEqual({ ...DEFAULT_MAP_STATE, selected: "probing", showRelations: true });
  });
});
