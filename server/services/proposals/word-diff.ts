/**
 * Word-level diff for showing a proposal's text changes with highlights. Pure and bounded:
 * Myers' O((N+M)·D) algorithm over word tokens, with budgets on the input size and on the number
 * of edits; past them it falls back to a line diff, and past that to "all removed, all added"
 * (after trimming what the two texts share at the start and end).
 */

export type DiffOp = "equal" | "delete" | "insert";
export interface DiffPart {
  op: DiffOp;
  text: string;
}
export interface TextDiff {
  parts: DiffPart[];
  /** How finely the texts were compared: by words, by lines (long texts), or as a whole (too different). */
  granularity: "word" | "line" | "whole";
}

/** Longer texts (in tokens, either side) are compared line by line. */
export const WORD_DIFF_TOKEN_BUDGET = 5_000;
/** Texts that differ in more places than this are compared more coarsely (bounds time and memory: ~D² integers). */
export const MAX_EDIT_DISTANCE = 1_500;

/** Words (letters, digits, underscores), runs of white space, and single other characters. */
export function wordTokens(text: string): string[] {
  return text.match(/[\p{L}\p{M}\p{N}_]+|\s+|[^\p{L}\p{M}\p{N}_\s]/gu) ?? [];
}

/** Lines with their line break, so joining them gives the text back. */
export function lineTokens(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

type Edit = { op: DiffOp; token: string };

/**
 * The shortest edit script from `a` to `b` (Myers 1986), or null when it needs more than
 * `maxEdits` insertions and deletions.
 */
export function diffTokens(a: readonly string[], b: readonly string[], maxEdits = MAX_EDIT_DISTANCE): Edit[] | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  // trace[d] is V after step d, kept only over the diagonals -d..d that step d can reach.
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    trace.push(v.slice(offset - d - 1, offset + d + 2));
  }
  if (found < 0) return null;
  // Walk back from (n, m) through the saved V arrays.
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d - 1]!;
    // prev covers diagonals -(d-1)-1 .. (d-1)+1 with index 0 at diagonal -d.
    const at = (k: number) => prev[k + d]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ op: "equal", token: a[x - 1]! });
      x--;
      y--;
    }
    if (down) edits.push({ op: "insert", token: b[y - 1]! });
    else edits.push({ op: "delete", token: a[x - 1]! });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    edits.push({ op: "equal", token: a[x - 1]! });
    x--;
    y--;
  }
  return edits.reverse();
}

/** Adjacent edits of one kind as one part; within a changed stretch, deletions before insertions. */
function toParts(edits: Edit[]): DiffPart[] {
  const parts: DiffPart[] = [];
  let del = "";
  let ins = "";
  const flush = () => {
    if (del) parts.push({ op: "delete", text: del });
    if (ins) parts.push({ op: "insert", text: ins });
    del = "";
    ins = "";
  };
  for (const e of edits) {
    if (e.op === "delete") del += e.token;
    else if (e.op === "insert") ins += e.token;
    else {
      flush();
      const last = parts[parts.length - 1];
      if (last?.op === "equal") last.text += e.token;
      else parts.push({ op: "equal", text: e.token });
    }
  }
  flush();
  return parts;
}

/**
 * Readability: white space alone between two changes reads as one change ("~~the quick~~ a slow"
 * rather than "~~the~~ a ~~quick~~ slow").
 */
function absorbLoneSpaces(parts: DiffPart[]): DiffPart[] {
  type Item = { equal: string } | { del: string; ins: string };
  const items: Item[] = [];
  for (const p of parts) {
    const last = items[items.length - 1];
    if (p.op === "equal") items.push({ equal: p.text });
    else if (last && "del" in last) last[p.op === "delete" ? "del" : "ins"] += p.text;
    else items.push(p.op === "delete" ? { del: p.text, ins: "" } : { del: "", ins: p.text });
  }
  const out: Item[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const prev = out[out.length - 1];
    const next = items[i + 1];
    if ("equal" in item && /^\s+$/.test(item.equal) && prev && "del" in prev && next && "del" in next) {
      // Only when both sides keep a real change; otherwise a lone space would show as deleted or added.
      if ((prev.del || next.del) && (prev.ins || next.ins)) {
        prev.del += item.equal + next.del;
        prev.ins += item.equal + next.ins;
        i++;
        continue;
      }
    }
    out.push("equal" in item ? { equal: item.equal } : { ...item });
  }
  const result: DiffPart[] = [];
  for (const item of out) {
    if ("equal" in item) result.push({ op: "equal", text: item.equal });
    else {
      if (item.del) result.push({ op: "delete", text: item.del });
      if (item.ins) result.push({ op: "insert", text: item.ins });
    }
  }
  return result;
}

/** How good a place the edge between `left` and `right` is for a change to start or end: line starts best, then spaces, then punctuation. */
function edgeScore(left: string, right: string): number {
  const before = left.slice(-1);
  const after = right.slice(0, 1);
  if (before === "" || after === "" || before === "\n") return 3;
  if (/\s/.test(before) || /\s/.test(after)) return 2;
  if (/[^\p{L}\p{M}\p{N}_]/u.test(before) || /[^\p{L}\p{M}\p{N}_]/u.test(after)) return 1;
  return 0;
}

/**
 * A lone insertion or deletion between unchanged text can often sit in several places (adding
 * "\n\nb" after "a\n" is also adding "\nb\n" after "a"); slide it to where it reads best, e.g. whole lines.
 */
function slideToBoundaries(parts: DiffPart[]): DiffPart[] {
  const out = parts.map((p) => ({ ...p }));
  for (let i = 1; i < out.length - 1; i++) {
    const prev = out[i - 1]!;
    const change = out[i]!;
    const next = out[i + 1]!;
    if (prev.op !== "equal" || next.op !== "equal" || change.op === "equal") continue;
    // Where Myers put it wins ties; slide fully left, then try every position to the right.
    let best = { left: prev.text, mid: change.text, right: next.text, score: edgeScore(prev.text, change.text) + edgeScore(change.text, next.text) };
    let left = prev.text;
    let mid = change.text;
    let right = next.text;
    // One UTF-16 unit at a time, so never across a surrogate pair (it would split a character).
    const movable = (c: string | undefined) => c !== undefined && c !== "" && !/[\uD800-\uDFFF]/.test(c);
    while (left && left.slice(-1) === mid.slice(-1) && movable(left.slice(-1))) {
      right = mid.slice(-1) + right;
      mid = left.slice(-1) + mid.slice(0, -1);
      left = left.slice(0, -1);
    }
    for (;;) {
      const score = edgeScore(left, mid) + edgeScore(mid, right);
      if (score > best.score) best = { left, mid, right, score };
      if (!right || right[0] !== mid[0] || !movable(right[0])) break;
      left += mid[0];
      mid = mid.slice(1) + right[0];
      right = right.slice(1);
    }
    prev.text = best.left;
    change.text = best.mid;
    next.text = best.right;
  }
  return out.filter((p) => p.text !== "");
}

/** Splits off what both sequences share at the start and at the end (cheap, and keeps D small). */
function trimCommon(a: string[], b: string[]) {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return { head: a.slice(0, start), a: a.slice(start, a.length - end), b: b.slice(start, b.length - end), tail: a.slice(a.length - end) };
}

function diffWith(tokensA: string[], tokensB: string[]): Edit[] | null {
  const { head, a, b, tail } = trimCommon(tokensA, tokensB);
  const middle = diffTokens(a, b);
  if (!middle) return null;
  return [...head.map((token) => ({ op: "equal" as const, token })), ...middle, ...tail.map((token) => ({ op: "equal" as const, token }))];
}

/** The changes from `before` to `after`, word by word when the texts are small enough. */
export function wordDiff(before: string, after: string): TextDiff {
  if (before === after) return { parts: before ? [{ op: "equal", text: before }] : [], granularity: "word" };
  const wa = wordTokens(before);
  const wb = wordTokens(after);
  if (Math.max(wa.length, wb.length) <= WORD_DIFF_TOKEN_BUDGET) {
    const edits = diffWith(wa, wb);
    if (edits) return { parts: slideToBoundaries(absorbLoneSpaces(toParts(edits))), granularity: "word" };
  }
  const la = lineTokens(before);
  const lb = lineTokens(after);
  const lines = diffWith(la, lb);
  if (lines) return { parts: slideToBoundaries(toParts(lines)), granularity: "line" };
  const { head, a, b, tail } = trimCommon(la, lb);
  const parts: DiffPart[] = [];
  if (head.length) parts.push({ op: "equal", text: head.join("") });
  if (a.length) parts.push({ op: "delete", text: a.join("") });
  if (b.length) parts.push({ op: "insert", text: b.join("") });
  if (tail.length) parts.push({ op: "equal", text: tail.join("") });
  return { parts, granularity: "whole" };
}
