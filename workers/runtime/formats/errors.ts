/** A model file or directory we cannot (or will not) read; the message names what is wrong. */
export class ModelFormatError extends Error {
  override readonly name: string = "ModelFormatError";
}

/** Weights whose values cannot be right (NaN or Infinity): the file is damaged, not unsupported. */
export class DamagedWeightsError extends ModelFormatError {
  override readonly name = "DamagedWeightsError";
}
