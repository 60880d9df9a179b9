/** Registry errors carry a code the CLI (and later the API) maps to an exit code / status. */
export class ModelRegistryError extends Error {
  override readonly name = "ModelRegistryError";
  constructor(
    readonly code: "BAD_REQUEST" | "CONFLICT" | "NOT_FOUND" | "FAILED",
    message: string,
  ) {
    super(message);
  }
}
