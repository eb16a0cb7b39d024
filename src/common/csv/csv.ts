/**
 * CSV per RFC 4180: fields separated by commas, records ended by CRLF; a field containing a
 * comma, a double quote, CR or LF is enclosed in double quotes, and each double quote inside it
 * is doubled. Text is UTF-8; an optional byte-order mark makes Excel read it as UTF-8 (without
 * it, Excel on Chinese Windows decodes the file as GBK and shows mojibake).
 */
export const UTF8_BOM = '\uFEFF';

export const CSV_RECORD_END = '\r\n';

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Spreadsheet formula injection (OWASP "CSV injection"): a text cell that starts with one of
 * these is run as a formula by Excel and LibreOffice. Such text gets a leading apostrophe,
 * which spreadsheets hide and treat as "this is text".
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | bigint | boolean | null | undefined;

/** One field: empty for null/undefined, quoted when RFC 4180 requires it. */
export function csvField(value: CsvValue, options: { text?: boolean } = {}): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (options.text && typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated. `textColumns[i]` marks free text (guarded against formula injection). */
export function csvRecord(values: readonly CsvValue[], textColumns?: readonly boolean[]): string {
  return values.map((v, i) => csvField(v, { text: textColumns?.[i] ?? false })).join(',') + CSV_RECORD_END;
}
