/**
 * The probe engine's version, part of every run's key: a run is never computed twice for the same
 * (experiment version, model sha256, engine version). Bump it when a change to workers/probes or
 * the runtime can change any metric or stored artifact, so published experiments are computed again.
 *
 * 1.1.0: diffmean stores every example's projection onto its direction (`diffmean.scores`).
 * 1.2.0: spec version 2 — steeredGeneration, activationPatching, logitLens, attentionPatterns.
 */
export const PROBE_ENGINE_VERSION = "mechmap-probes/1.2.0";
