export { ReferenceModel, type ResidualObserver } from "./model";
export { argmax, greedyDecode, hostedNextLogits, referenceNextLogits, type GreedyOptions, type NextLogits } from "./greedy";
export { referenceSequenceForward, replaceHeads, type SequenceReferenceOptions, type SequenceReferenceResult } from "./sequence-forward";
