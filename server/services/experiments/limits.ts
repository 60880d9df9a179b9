/**
 * Limits of an experiment's fields, in one place: the schemas in input.ts check them and the
 * experiment form sets the same `maxLength`s (this file imports nothing, so the form can use it).
 */
export const EXPERIMENT_LIMITS = {
  title: 200,
  /** The longest Markdown the renderer accepts (MAX_MARKDOWN_CHARS in server/render/markdown.ts). */
  question: 20_000,
  changeNote: 500,
  techniques: 20,
  papers: 50,
} as const;
