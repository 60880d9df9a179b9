/**
 * How layer builders expose TransformerLens hook points without knowing which are requested:
 * `tap` records a value only when its hook is an output (building layout changes lazily), `hook`
 * also applies the hook's patch first, so everything downstream — and the tap — sees the patched value.
 */
import type { Value } from "./builder";

export interface HookPoints {
  /** Records `make()` as the hook's output when requested (make is not called otherwise). */
  tap(name: string, make: () => Value): void;
  /** `value` with the hook's patch applied (unchanged when not patched), recorded when requested. */
  hook(name: string, value: Value): Value;
}

/** No taps, no patches (graphs that expose no hook points). */
export const NO_HOOK_POINTS: HookPoints = {
  tap: () => {},
  hook: (_name, value) => value,
};
