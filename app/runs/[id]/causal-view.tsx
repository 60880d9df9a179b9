import type { CausalView } from "~/server/services/runs/causal-results";
import { AttentionView } from "./attention-view";
import { LogitLensView } from "./logit-lens-view";
import { PatchingView } from "./patching-view";
import { SteeredGenerationView } from "./steered-generation-view";

/** One causal method's results on the run page, or a notice saying why its stored result cannot be shown. */
export function CausalMethodView({ view, runId }: { view: CausalView; runId: number }) {
  const id = `m${view.methodIndex}`;
  if (!view.ok) {
    return (
      <p className="notice notice--error" data-testid={`${id}-causal-problem`}>
        This method&apos;s stored result cannot be shown ({view.problem}). The metrics download has it as stored.
      </p>
    );
  }
  switch (view.method) {
    case "activationPatching":
      return <PatchingView result={view.result} id={id} />;
    case "logitLens":
      return <LogitLensView result={view.result} id={id} />;
    case "attentionPatterns":
      return <AttentionView result={view.result} runId={runId} methodIndex={view.methodIndex} id={id} />;
    case "steeredGeneration":
      return <SteeredGenerationView result={view.result} id={id} />;
  }
}
