/**
 * Hosted models kept across jobs in this process, so a worker loads (and hashes) a model's weights
 * once, not per run; their onnxruntime sessions live in the shared session cache. A model is keyed
 * by its path and the file's size and modification time, so replaced weights are loaded again and
 * their sha256 checked against the run's.
 */
import { stat } from "node:fs/promises";
import { loadHostedModel, type OnnxHostedModel } from "../../runtime/hosted-model";
import { RunInputError, errorMessage } from "./errors";

const MAX_MODELS = 2;
const cache = new Map<string, Promise<OnnxHostedModel>>();

export interface RunModelRequest {
  name: string;
  localPath: string;
  sha256: string;
  cacheDir?: string;
}

export async function loadRunModel(req: RunModelRequest): Promise<OnnxHostedModel> {
  let info;
  try {
    info = await stat(req.localPath);
  } catch {
    throw new RunInputError(`the weights of model "${req.name}" are gone from ${req.localPath} on this worker — add the model again with \`npm run model -- add\``);
  }
  const key = `${req.localPath}\0${info.size}\0${info.mtimeMs}\0${req.cacheDir ?? ""}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = loadHostedModel(req.localPath, { name: req.name, cacheDir: req.cacheDir });
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
    while (cache.size > MAX_MODELS) cache.delete(cache.keys().next().value!);
  } else {
    // Most recently used last.
    cache.delete(key);
    cache.set(key, pending);
  }
  let model: OnnxHostedModel;
  try {
    model = await pending;
  } catch (error) {
    throw new RunInputError(`model "${req.name}" could not be loaded: ${errorMessage(error)}`);
  }
  if (model.weights.sha256 !== req.sha256) {
    throw new RunInputError(
      `model "${req.name}" has changed since the run was queued: its weights' sha256 is ${model.weights.sha256}, the run was for ${req.sha256} — rerun the experiment on the model as it is now`,
    );
  }
  return model;
}

/** Forgets every cached model (tests). */
export function clearRunModels(): void {
  cache.clear();
}
