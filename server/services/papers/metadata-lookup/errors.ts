/** Why a look-up failed; the router maps each to a status, the message is for the person. */
export type LookupFailure = "unreachable" | "timeout" | "not_found" | "malformed" | "too_large" | "upstream";

/** A look-up that did not give metadata. The message says what happened and what to do instead. */
export class MetadataLookupError extends Error {
  constructor(
    readonly reason: LookupFailure,
    message: string,
  ) {
    super(message);
    this.name = "MetadataLookupError";
  }
}

/** "Fill in the fields by hand." closes every message where the person cannot do better by retrying at once. */
export const BY_HAND = "Fill in the fields by hand.";
