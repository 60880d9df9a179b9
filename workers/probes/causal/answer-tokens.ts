/**
 * Which token a word is, as the model would read it right after a prompt: the first token of
 * prompt + word whose character range reaches past the prompt (the same rule the engine uses to
 * score completions). " Lily" after "…back to" is the token "▁Lily" of the joined text, so leading
 * spaces and tokenizers that merge across the boundary are handled the way the model sees them.
 */
import type { Tokenizer } from "../../runtime/types";
import { ProbeInputError } from "../types";

export function firstTokenAfter(tokenizer: Tokenizer, prompt: string, word: string, path: string): number {
  const enc = tokenizer.encode(prompt + word, { addBos: true });
  const i = enc.offsets.findIndex(([, end]) => end > prompt.length);
  if (i < 0 || enc.ids[i] === undefined) throw new ProbeInputError(`${path}: "${word.slice(0, 40)}" adds no token after the prompt — give a non-empty word`);
  return enc.ids[i];
}

/** The distinct first tokens of several words after one prompt, in first-seen order. */
export function firstTokensAfter(tokenizer: Tokenizer, prompt: string, words: readonly string[], path: string): number[] {
  const ids: number[] = [];
  words.forEach((w, i) => {
    const id = firstTokenAfter(tokenizer, prompt, w, `${path}[${i}]`);
    if (!ids.includes(id)) ids.push(id);
  });
  return ids;
}
