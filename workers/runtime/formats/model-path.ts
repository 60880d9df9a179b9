/**
 * What kind of thing a model path is, decided from stat alone (never opening it): opening a FIFO
 * blocks until a writer appears and a device can stream forever, so only regular files (a .gguf, or
 * a Hugging Face directory's files) are accepted.
 */
import { type Stats, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ModelFormatError } from "./errors";

export type WeightsFormat = "gguf" | "hf";

/** A word for a file that is not regular nor a directory, or null when it is one of those. */
export function specialFileKind(st: Stats): string | null {
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isFile() || st.isDirectory()) return null;
  return "not a regular file";
}

function statOrNull(p: string): Stats | null {
  try {
    return statSync(p); // follows symlinks: a link to a FIFO is refused like the FIFO
  } catch {
    return null;
  }
}

/** The loader a path needs; refuses missing paths, special files and directories without a model. */
export function checkModelPath(modelPath: string): WeightsFormat {
  const st = statOrNull(modelPath);
  if (!st) throw new ModelFormatError(`no such model file or directory: ${modelPath}`);
  const special = specialFileKind(st);
  if (special) throw new ModelFormatError(`${modelPath} is ${special}, not a model file; give a .gguf file or a Hugging Face model directory`);
  if (st.isFile()) {
    if (modelPath.toLowerCase().endsWith(".gguf")) return "gguf";
    throw new ModelFormatError(`${modelPath}: not a .gguf file or a Hugging Face model directory`);
  }
  for (const entry of readdirSync(modelPath)) {
    const entrySt = statOrNull(path.join(modelPath, entry));
    const kind = entrySt ? specialFileKind(entrySt) : null;
    if (kind) throw new ModelFormatError(`${path.join(modelPath, entry)} is ${kind}; a model directory may hold only regular files`);
  }
  const config = statOrNull(path.join(modelPath, "config.json"));
  if (!config?.isFile()) throw new ModelFormatError(`${modelPath}: no config.json (not a Hugging Face model directory)`);
  const hasWeights = ["model.safetensors", "model.safetensors.index.json"].some((f) => statOrNull(path.join(modelPath, f))?.isFile());
  if (!hasWeights) throw new ModelFormatError(`${modelPath}: no model.safetensors or model.safetensors.index.json (only safetensors weights are read)`);
  return "hf";
}
