/** A model file or directory we cannot (or will not) read; the message names what is wrong. */
export class ModelFormatError extends Error {
  override readonly name = "ModelFormatError";
}
