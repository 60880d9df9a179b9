/** Deepest container nesting (block quotes, list items, indentation) we render; deeper is refused before parsing. */
export const MAX_NESTING = 32;

/**
 * A cheap upper estimate of a markdown text's block nesting, line by line, without parsing:
 * `>` markers and list markers each open a level, and so does indentation before them. The parser recurses per level,
 * so a line like ">>>>…" 20,000 deep would overflow its stack.
 */
export function nestingDepth(text: string): number {
  let deepest = 0;
  for (const line of text.split("\n")) {
    let depth = 0;
    let i = 0;
    let indent = 0;
    while (i < line.length) {
      const c = line[i];
      if (c === " ") {
        indent++;
        i++;
      } else if (c === "\t") {
        indent += 4;
        i++;
      } else if (c === ">") {
        depth++;
        i++;
      } else if ((c === "-" || c === "*" || c === "+") && (line[i + 1] === " " || line[i + 1] === "\t")) {
        depth++;
        i += 2;
      } else {
        const ordered = /^\d{1,9}[.)][ \t]/.exec(line.slice(i, i + 12));
        if (!ordered) break;
        depth++;
        i += ordered[0].length;
      }
      if (depth > MAX_NESTING) return depth;
    }
    // Indentation nests only lists and quotes; an indented code line is flat.
    deepest = Math.max(deepest, depth === 0 ? 0 : depth + Math.floor(indent / 2));
  }
  return deepest;
}
