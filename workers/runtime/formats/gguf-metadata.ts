/** Typed access to GGUF metadata; a missing or mistyped key is a ModelFormatError naming the key. */
import { ModelFormatError } from "./errors";
import type { GgufFile, GgufScalar, GgufValue } from "./gguf";

function describe(v: GgufValue): string {
  return v.type === "array" ? `array of ${v.itemType}` : v.type;
}

function asNumber(key: string, v: GgufScalar): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new ModelFormatError(`GGUF metadata ${key} = ${v} is too large`);
    }
    return Number(v);
  }
  throw new ModelFormatError(`GGUF metadata ${key} has a ${typeof v} value, expected a number`);
}

export function metaValue(file: GgufFile, key: string): GgufValue | undefined {
  return file.metadata.get(key);
}

export function metaOptionalNumber(file: GgufFile, key: string): number | undefined {
  const v = file.metadata.get(key);
  if (!v) return undefined;
  if (v.type === "array" || v.type === "string" || v.type === "bool") {
    throw new ModelFormatError(`GGUF metadata ${key} has type ${describe(v)}, expected a number`);
  }
  return asNumber(key, v.value);
}

export function metaNumber(file: GgufFile, key: string): number {
  const v = metaOptionalNumber(file, key);
  if (v === undefined) throw new ModelFormatError(`GGUF metadata ${key} is missing`);
  return v;
}

export function metaOptionalString(file: GgufFile, key: string): string | undefined {
  const v = file.metadata.get(key);
  if (!v) return undefined;
  if (v.type !== "string" || typeof v.value !== "string") throw new ModelFormatError(`GGUF metadata ${key} has type ${describe(v)}, expected string`);
  return v.value;
}

export function metaString(file: GgufFile, key: string): string {
  const v = metaOptionalString(file, key);
  if (v === undefined) throw new ModelFormatError(`GGUF metadata ${key} is missing`);
  return v;
}

export function metaOptionalBool(file: GgufFile, key: string): boolean | undefined {
  const v = file.metadata.get(key);
  if (!v) return undefined;
  if (v.type !== "bool" || typeof v.value !== "boolean") throw new ModelFormatError(`GGUF metadata ${key} has type ${describe(v)}, expected bool`);
  return v.value;
}

export function metaStringArray(file: GgufFile, key: string): string[] {
  const v = file.metadata.get(key);
  if (!v) throw new ModelFormatError(`GGUF metadata ${key} is missing`);
  if (v.type !== "array" || v.itemType !== "string") throw new ModelFormatError(`GGUF metadata ${key} has type ${describe(v)}, expected array of string`);
  return v.items.map((x) => String(x));
}

export function metaOptionalNumberArray(file: GgufFile, key: string): number[] | undefined {
  const v = file.metadata.get(key);
  if (!v) return undefined;
  if (v.type !== "array" || v.itemType === "array" || v.itemType === "string" || v.itemType === "bool") {
    throw new ModelFormatError(`GGUF metadata ${key} has type ${describe(v)}, expected an array of numbers`);
  }
  return (v.items as GgufScalar[]).map((x) => asNumber(key, x));
}
