/**
 * Registry errors carry a code the CLI (and later the API) maps to an exit code / status:
 * BAD_REQUEST invalid input (no row made), CONFLICT name taken, NOT_FOUND no such model, FAILED the
 * add failed, REFUSED a download target is not a public address, DAMAGED the weights are corrupt
 * (non-finite values, or not the published file's sha256).
 */
export type ModelRegistryErrorCode = "BAD_REQUEST" | "CONFLICT" | "NOT_FOUND" | "FAILED" | "REFUSED" | "DAMAGED";

export class ModelRegistryError extends Error {
  override readonly name = "ModelRegistryError";
  constructor(
    readonly code: ModelRegistryErrorCode,
    message: string,
  ) {
    super(message);
  }
}
