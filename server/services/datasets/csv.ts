/**
 * A small RFC 4180 CSV reader: quoted fields with "" escapes and embedded line breaks, CRLF or LF
 * line ends. Bounded: it stops with an error past `maxRows` rows or `maxFieldChars` in one field,
 * so a hostile file costs at most one pass over its characters.
 */
export class CsvError extends Error {
  constructor(
    message: string,
    /** 1-based line of the file where the problem is. */
    readonly line: number,
  ) {
    super(message);
    this.name = "CsvError";
  }
}

export function parseCsv(text: string, limits: { maxRows: number; maxFieldChars: number }): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let fieldStartLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark is not data

  const endField = () => {
    if (field.length > limits.maxFieldChars) throw new CsvError(`a field is longer than ${limits.maxFieldChars.toLocaleString("en-US")} characters`, fieldStartLine);
    row.push(field);
    field = "";
    fieldStartLine = line;
  };
  const endRow = () => {
    endField();
    // Blank lines carry no data.
    if (!(row.length === 1 && row[0] === "")) {
      if (rows.length >= limits.maxRows) throw new CsvError(`more than ${limits.maxRows.toLocaleString("en-US")} rows`, line);
      rows.push(row);
    }
    row = [];
  };

  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
        if (field.length > limits.maxFieldChars) throw new CsvError(`a field is longer than ${limits.maxFieldChars.toLocaleString("en-US")} characters`, fieldStartLine);
      }
      continue;
    }
    if (c === '"') {
      if (field.length > 0) throw new CsvError('a quote (") in the middle of an unquoted field; put the whole field in quotes and double the quote', line);
      quoted = true;
    } else if (c === ",") endField();
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRow();
      line++;
      fieldStartLine = line;
    } else {
      field += c;
      if (field.length > limits.maxFieldChars) throw new CsvError(`a field is longer than ${limits.maxFieldChars.toLocaleString("en-US")} characters`, fieldStartLine);
    }
  }
  if (quoted) throw new CsvError("a quoted field is never closed", fieldStartLine);
  if (field.length > 0 || row.length > 0) endRow();
  return rows;
}
