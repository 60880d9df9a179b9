/**
 * A whole-word tokenizer for models built in memory: each whitespace-separated word of the text is
 * one token of a fixed vocabulary (id 0 = "<s>" BOS, id 1 = "</s>" EOS). Unknown words throw, so a
 * test cannot silently score the wrong token.
 */
import type { Encoding, Tokenizer } from "../../../workers/runtime/types";

export class WordTokenizer implements Tokenizer {
  readonly bosId = 0;
  readonly eosId = 1;
  readonly vocabSize: number;
  private readonly index: Map<string, number>;

  /** `words` become ids 2, 3, ...; the vocabulary is padded with "w{id}" up to `vocabSize`. */
  constructor(
    words: readonly string[],
    vocabSize: number,
  ) {
    const all = ["<s>", "</s>", ...words];
    for (let i = all.length; i < vocabSize; i++) all.push(`w${i}`);
    if (all.length > vocabSize) throw new Error(`${all.length} words do not fit a vocabulary of ${vocabSize}`);
    this.vocabSize = vocabSize;
    this.index = new Map(all.map((w, i) => [w, i]));
    this.words = all;
  }

  private readonly words: string[];

  id(word: string): number {
    const id = this.index.get(word);
    if (id === undefined) throw new Error(`word tokenizer: unknown word "${word}"`);
    return id;
  }

  encode(text: string, options: { addBos?: boolean } = {}): Encoding {
    const ids: number[] = [];
    const offsets: Array<[number, number]> = [];
    if (options.addBos ?? true) {
      ids.push(this.bosId);
      offsets.push([0, 0]);
    }
    const re = /\S+/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      ids.push(this.id(m[0]));
      offsets.push([m.index, m.index + m[0].length]);
    }
    return { ids, offsets };
  }

  decode(ids: number[]): string {
    return ids
      .filter((id) => id !== this.bosId)
      .map((id) => this.piece(id))
      .join(" ");
  }

  piece(id: number): string {
    return this.words[id] ?? `<${id}>`;
  }
}
