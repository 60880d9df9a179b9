/** Versions that make a run reproducible: the probe engine, the graph compiler, onnxruntime, Node.js. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { z } from "zod";
import { PROBE_ENGINE_VERSION } from "~/server/probes/engine-version";
import { COMPILER_VERSION } from "../../runtime/onnx";

let ortVersion: string | null = null;

/** onnxruntime-node's version, from its package.json. */
export function onnxruntimeVersion(): string {
  if (ortVersion) return ortVersion;
  const require = createRequire(import.meta.url);
  const file = require.resolve("onnxruntime-node/package.json");
  ortVersion = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(file, "utf8"))).version;
  return ortVersion;
}

export function runtimeVersions() {
  return {
    engineVersion: PROBE_ENGINE_VERSION,
    compilerVersion: COMPILER_VERSION,
    onnxruntimeVersion: onnxruntimeVersion(),
    nodeVersion: process.version,
  };
}
