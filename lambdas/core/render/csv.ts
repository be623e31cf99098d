// CSV export (RFC 4180) of tabular API answers, safe to open in a spreadsheet.

/**
 * A header row, then one record per row, every line ending in CRLF. Fields holding a comma, double quote, CR or
 * LF are quoted, with quotes doubled. null and undefined are empty fields; numbers are written in plain digits
 * (never `1e+21`); booleans as true/false; Dates as ISO-8601 UTC.
 *
 * Text that a spreadsheet would run as a formula (starting with = + - @, tab, CR or NUL) gets a leading `'`,
 * as OWASP's CSV Injection guidance and ASVS 1.2.10 ask: Excel, LibreOffice and Sheets then show the text
 * instead of evaluating it. Those cells differ from the data by that one character; numbers are never altered.
 * Throws on a non-finite number or a value with no plain-text form (objects, arrays), naming row and column.
 */
export function toCsv(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const header = columns.map(textField);
  const records = rows.map((row, index) => columns.map((column) => valueField(row[column], index, column)));
  return [header, ...records].map((record) => `${record.join(',')}\r\n`).join('');
}

/** First characters that make a spreadsheet read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r\0]/;

function textField(text: string): string {
  const guarded = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

function valueField(value: unknown, row: number, column: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return textField(value);
  if (value instanceof Date) return textField(value.toISOString());
  // A number is data, not a formula, even when negative: spreadsheets read "-5" as minus five.
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`CSV row ${row}, column ${JSON.stringify(column)}: ${value} is not a finite number`);
    return plainDigits(value);
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  throw new TypeError(`CSV row ${row}, column ${JSON.stringify(column)}: a value of type ${typeof value} has no CSV form`);
}

/**
 * JavaScript's shortest round-trip digits of `n`, with any exponent expanded: 1e21 is "1000000000000000000000",
 * 1.5e-7 is "0.00000015". Spreadsheets and parsers read either, but people and diffs read plain digits.
 */
function plainDigits(n: number): string {
  const shortest = String(n);
  const [mantissa, exponentText] = shortest.split('e');
  if (exponentText === undefined) return shortest;
  const sign = mantissa!.startsWith('-') ? '-' : '';
  const unsigned = mantissa!.replace('-', '');
  const digits = unsigned.replace('.', '');
  const pointAfter = (unsigned.includes('.') ? unsigned.indexOf('.') : unsigned.length) + Number(exponentText);
  if (pointAfter <= 0) return `${sign}0.${'0'.repeat(-pointAfter)}${digits}`;
  if (pointAfter >= digits.length) return `${sign}${digits}${'0'.repeat(pointAfter - digits.length)}`;
  return `${sign}${digits.slice(0, pointAfter)}.${digits.slice(pointAfter)}`;
}
