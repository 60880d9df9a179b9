/** Data set upload limits, in a module without Node imports so the browser can check them too. */
export const DATASET_LIMITS = {
  /** Upload size; larger files are refused before they are read. */
  maxBytes: 10 * 1024 * 1024,
  /** Rows shown in the preview. */
  previewRows: 8,
} as const;
