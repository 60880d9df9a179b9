/**
 * Precision variants: a registered GGUF model's weights converted to f16 or q8_0 in TypeScript,
 * written as a GGUF file in the model cache and registered as a model of its own (`<base>-<precision>`),
 * so "does the finding survive quantisation?" is a comparison between two models on one machine.
 *
 * What is converted follows llama.cpp's converter (convert_hf_to_gguf.py): 2-D `.weight` matrices
 * (token_embd and output included) take the target type; 1-D tensors (norms, biases), `*_norm.weight`
 * and the learned position embedding stay as they are (F32). ggml quantises each row on its own in
 * blocks of 32, so a matrix whose rows are not whole blocks (FFN 172 in stories260K, d_model 80 in the
 * gpt2 zoo model) cannot be Q8_0: like llama.cpp, it falls back to F16, and the model's precision is
 * then recorded as "mixed" (the file still says MOSTLY_Q8_0 in general.file_type, as llama.cpp's would).
 */
import { existsSync, statSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { type ModelPrecision, models } from "../../db/schema";
import { dequantizeF16 } from "../runtime/formats/dequantize";
import { GGML_TYPE, ggmlTypeName } from "../runtime/formats/ggml-types";
import { type GgufFile, type GgufTensorInfo, type GgufValue, readGgufHeader, readGgufTensor, readGgufTensorBytes } from "../runtime/formats/gguf";
import { type GgufTensorToWrite, writeGgufFile } from "../runtime/formats/gguf-writer";
import { F16_MAX, quantizeF16, quantizeQ8_0, rowsFitQ8_0 } from "../runtime/formats/quantize";
import { ModelRegistryError } from "./errors";
import { modelCacheDir } from "./hub-download";
import { type ModelRow, addModel, getModel } from "./registry";
import { MODEL_NAME } from "./source";

export const VARIANT_PRECISIONS = ["f16", "q8_0"] as const;
export type VariantPrecision = (typeof VARIANT_PRECISIONS)[number];
const variantPrecision = z.enum(VARIANT_PRECISIONS);

const TARGET_TYPE: Record<VariantPrecision, number> = { f16: GGML_TYPE.F16, q8_0: GGML_TYPE.Q8_0 };
/** llama.cpp's LlamaFileType: MOSTLY_F16 = 1, MOSTLY_Q8_0 = 7. */
const FILE_TYPE: Record<VariantPrecision, number> = { f16: 1, q8_0: 7 };
/** ggml's GGML_QNT_VERSION, which llama.cpp writes as general.quantization_version. */
const QUANTIZATION_VERSION = 2;

/** Bits per weight, to order precisions: a variant must go lower than every matrix of its base. */
const BITS: Partial<Record<number, number>> = {
  [GGML_TYPE.F32]: 32, [GGML_TYPE.F16]: 16, [GGML_TYPE.BF16]: 16, [GGML_TYPE.Q8_0]: 8.5,
};

export interface PrecisionVariantOptions {
  /** The variant's model name (default `<base>-<precision>`). */
  name?: string;
  cacheDir?: string;
}

export interface ConvertedTensor {
  name: string;
  from: string;
  to: string;
  /** Why a matrix did not get the target type. */
  fallback?: string;
}

export interface PrecisionVariantResult {
  row: ModelRow;
  base: ModelRow;
  path: string;
  bytes: number;
  /** The base file's size, for comparison. */
  baseBytes: number;
  tensors: ConvertedTensor[];
}

/** llama.cpp's rule for which tensors are quantised (everything else stays as it is). */
function isConvertedMatrix(info: GgufTensorInfo): boolean {
  return info.dims.length >= 2 && info.name.endsWith(".weight") && !info.name.endsWith("_norm.weight") && info.name !== "position_embd.weight";
}

interface TensorPlan {
  info: GgufTensorInfo;
  type: number;
  fallback?: string;
}

function planTensors(file: GgufFile, precision: VariantPrecision): TensorPlan[] {
  const target = TARGET_TYPE[precision];
  return file.tensors.map((info) => {
    if (!isConvertedMatrix(info)) return { info, type: info.type };
    const rowLength = info.dims[0] ?? 0;
    if (target === GGML_TYPE.Q8_0 && !rowsFitQ8_0(rowLength)) {
      return { info, type: GGML_TYPE.F16, fallback: `rows of ${rowLength} values are not whole Q8_0 blocks of 32` };
    }
    return { info, type: target };
  });
}

/** The base must hold more bits in every matrix than the variant would. */
function checkLowersPrecision(base: ModelRow, file: GgufFile, precision: VariantPrecision): void {
  const matrices = file.tensors.filter(isConvertedMatrix);
  if (matrices.length === 0) throw new ModelRegistryError("BAD_REQUEST", `${base.name} has no weight matrices to convert.`);
  const target = BITS[TARGET_TYPE[precision]] ?? 0;
  const lowest = matrices.reduce((low, t) => ((BITS[t.type] ?? 0) < (BITS[low.type] ?? 0) ? t : low));
  if ((BITS[lowest.type] ?? 0) <= target) {
    throw new ModelRegistryError(
      "BAD_REQUEST",
      `${base.name} already stores weights at ${precision} or lower (${lowest.name} is ${ggmlTypeName(lowest.type)}); a ${precision} variant would not lower its precision.`,
    );
  }
}

/** The payload of one tensor in its planned type (one tensor in memory at a time). */
function convert(file: GgufFile, plan: TensorPlan): Uint8Array {
  const { info, type } = plan;
  if (type === info.type) return readGgufTensorBytes(file, info);
  const values = readGgufTensor(file, info);
  if (type === GGML_TYPE.Q8_0) {
    try {
      return quantizeQ8_0(values, info.dims[0]);
    } catch (e) {
      throw new ModelRegistryError("FAILED", `Cannot convert ${info.name} to q8_0: ${e instanceof Error ? e.message : String(e)}.`);
    }
  }
  if (type === GGML_TYPE.F16) {
    const bytes = quantizeF16(values);
    // A finite weight beyond ±65504 would become infinity; refuse rather than write a damaged model.
    const back = dequantizeF16(bytes, values.length);
    const at = back.findIndex((v, i) => !Number.isFinite(v) && Number.isFinite(values[i] ?? 0));
    if (at >= 0) {
      throw new ModelRegistryError("FAILED", `Cannot convert ${info.name} to f16: its weight ${values[at]} is beyond the f16 range (±${F16_MAX}).`);
    }
    return bytes;
  }
  throw new Error(`no conversion to ${ggmlTypeName(type)}`);
}

function variantMetadata(file: GgufFile, precision: VariantPrecision): Array<[string, GgufValue]> {
  const replaced = new Set(["general.file_type", "general.quantization_version"]);
  const metadata: Array<[string, GgufValue]> = [...file.metadata].filter(([key]) => !replaced.has(key));
  metadata.push(["general.file_type", { type: "u32", value: FILE_TYPE[precision] }]);
  metadata.push(["general.quantization_version", { type: "u32", value: QUANTIZATION_VERSION }]);
  return metadata;
}

/** The stored precision of the variant: the target when every matrix has it, otherwise "mixed". */
function recordedPrecision(plans: readonly TensorPlan[], precision: VariantPrecision): ModelPrecision {
  return plans.some((p) => p.fallback) ? "mixed" : precision;
}

export function parseVariantPrecision(raw: string): VariantPrecision {
  const parsed = variantPrecision.safeParse(raw);
  if (!parsed.success) throw new ModelRegistryError("BAD_REQUEST", `Unknown precision "${raw}"; use ${VARIANT_PRECISIONS.join(" or ")}.`);
  return parsed.data;
}

export function defaultVariantName(baseName: string, precision: VariantPrecision): string {
  return `${baseName}-${precision}`;
}

const WEIGHTS_CHECKED = new Set<ModelRow["status"]>(["ready", "compiling"]);

/** A ready base model with a local GGUF file, and its header. */
async function readyGgufBase(db: Database, baseName: string): Promise<{ base: ModelRow; file: GgufFile }> {
  const base = await getModel(db, baseName);
  if (!base) throw new ModelRegistryError("NOT_FOUND", `No model named ${baseName}.`);
  // `compiling` comes after `ready`: the weights were checked, a worker is only building its graph.
  if (!WEIGHTS_CHECKED.has(base.status) || !base.localPath) {
    throw new ModelRegistryError("BAD_REQUEST", `${baseName} is not ready (status ${base.status}); a precision variant is made from a ready model.`);
  }
  if (!existsSync(base.localPath)) throw new ModelRegistryError("BAD_REQUEST", `The weights of ${baseName} are missing (${base.localPath}); add the model again.`);
  if (statSync(base.localPath).isDirectory()) {
    throw new ModelRegistryError(
      "BAD_REQUEST",
      `${baseName} is a Hugging Face model directory; precision variants are made from GGUF files. Convert it with llama.cpp's convert_hf_to_gguf.py (or pass --outtype f16/q8_0 there) and add the .gguf file.`,
    );
  }
  return { base, file: readGgufHeader(base.localPath) };
}

/**
 * Converts a ready GGUF model to `precision`, writes `<cacheDir>/<name>.gguf` and registers it as
 * `name` (default `<base>-<precision>`), with its precision and base model recorded. Refuses, before
 * writing anything: an unknown precision or bad name (BAD_REQUEST), a missing base (NOT_FOUND), a base
 * that is not ready or not a GGUF file or already at that precision or lower (BAD_REQUEST), a name in
 * use (CONFLICT). A failure while converting leaves no file; a failed registration removes the file.
 */
export async function addPrecisionVariant(db: Database, baseName: string, precisionText: string, options: PrecisionVariantOptions = {}): Promise<PrecisionVariantResult> {
  const precision = parseVariantPrecision(precisionText);
  const parsedName = MODEL_NAME.safeParse(options.name ?? defaultVariantName(baseName, precision));
  if (!parsedName.success) throw new ModelRegistryError("BAD_REQUEST", parsedName.error.issues[0]?.message ?? "Invalid model name.");
  const name = parsedName.data;
  const { base, file } = await readyGgufBase(db, baseName);
  checkLowersPrecision(base, file, precision);
  const existing = await getModel(db, name);
  if (existing && existing.status !== "failed") {
    throw new ModelRegistryError("CONFLICT", `A model named ${name} already exists (status ${existing.status}). Choose another name with --name, or remove it first.`);
  }

  const plans = planTensors(file, precision);
  const cacheDir = options.cacheDir ?? modelCacheDir();
  await mkdir(cacheDir, { recursive: true });
  const target = path.join(cacheDir, `${name}.gguf`);
  const tensors: GgufTensorToWrite[] = plans.map((plan) => ({ name: plan.info.name, dims: plan.info.dims, type: plan.type, data: () => convert(file, plan) }));
  const written = await writeGgufFile(target, { version: 3, metadata: variantMetadata(file, precision), tensors });

  let row: ModelRow;
  try {
    // The registry inspects the file like any other model; the hash we computed while writing must match it.
    row = await addModel(db, { source: target, name, licence: base.licence ?? undefined }, { cacheDir, expectedSha256: written.sha256 });
  } catch (e) {
    await rm(target, { force: true });
    throw e;
  }
  const [updated] = await db
    .update(models)
    .set({ precision: recordedPrecision(plans, precision), baseModelId: base.id, updatedAt: new Date() })
    .where(eq(models.id, row.id))
    .returning();
  return {
    row: updated ?? row,
    base,
    path: target,
    bytes: written.bytes,
    baseBytes: file.fileSize,
    tensors: plans.map((p) => ({ name: p.info.name, from: ggmlTypeName(p.info.type), to: ggmlTypeName(p.type), ...(p.fallback ? { fallback: p.fallback } : {}) })),
  };
}

/**
 * The `<base>-<precision>` variant, made if it is not there yet (for `npm start`): a ready (or
 * compiling) variant is returned untouched; a missing or failed one is (re)made.
 */
export async function ensurePrecisionVariant(db: Database, baseName: string, precisionText: string, options: Omit<PrecisionVariantOptions, "name"> = {}): Promise<ModelRow> {
  const precision = parseVariantPrecision(precisionText);
  const existing = await getModel(db, defaultVariantName(baseName, precision));
  if (existing && WEIGHTS_CHECKED.has(existing.status)) return existing;
  return (await addPrecisionVariant(db, baseName, precision, options)).row;
}
