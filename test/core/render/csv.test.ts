import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../lambdas/core/render/csv.ts';

/**
 * A strict RFC 4180 reader: records end in CRLF (the last one too), a quoted field doubles its quotes, and a
 * bare CR or LF outside quotes, or a quote inside an unquoted field, is an error rather than a guess.
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let at = 0;
  while (at < text.length) {
    let field = '';
    if (text[at] === '"') {
      at++;
      for (;;) {
        if (at >= text.length) throw new Error('unterminated quoted field');
        if (text[at] === '"') {
          if (text[at + 1] === '"') {
            field += '"';
            at += 2;
          } else {
            at++;
            break;
          }
        } else field += text[at++];
      }
    } else {
      while (at < text.length && !/[,\r\n]/.test(text[at]!)) {
        if (text[at] === '"') throw new Error(`quote inside an unquoted field at ${at}`);
        field += text[at++];
      }
    }
    record.push(field);
    if (text[at] === ',') at++;
    else if (text.startsWith('\r\n', at)) {
      records.push(record);
      record = [];
      at += 2;
    } else throw new Error(`expected , or CRLF at ${at}, found ${JSON.stringify(text[at])}`);
  }
  if (record.length > 0) throw new Error('last record has no CRLF');
  return records;
}

describe('toCsv', () => {
  it('writes a header and one CRLF-terminated record per row, quoting only what needs it', () => {
    const csv = toCsv(
      [
        { registry: 'dockerhub', name: 'library/nginx', pull_count: 123, note: 'says "hi", twice' },
        { registry: 'quay', name: 'ns/app', pull_count: 7, note: 'line\nbreak' },
      ],
      ['registry', 'name', 'pull_count', 'note'],
    );
    expect(csv).toBe(
      'registry,name,pull_count,note\r\n' + 'dockerhub,library/nginx,123,"says ""hi"", twice"\r\n' + 'quay,ns/app,7,"line\nbreak"\r\n',
    );
  });

  it('writes only the header when there are no rows', () => {
    expect(toCsv([], ['a', 'b'])).toBe('a,b\r\n');
  });

  it('leaves null, undefined and missing values empty, and ignores keys outside the columns', () => {
    expect(toCsv([{ a: null, b: undefined, extra: 'x' }], ['a', 'b', 'c'])).toBe('a,b,c\r\n,,\r\n');
  });

  it('writes numbers in plain digits, never in exponent notation', () => {
    const csv = toCsv([{ n: Number.MAX_SAFE_INTEGER }, { n: 1e21 }, { n: -1.5e-7 }, { n: 0.1 }, { n: -0 }, { n: 2 ** 31 - 1 }], ['n']);
    expect(csv).toBe('n\r\n9007199254740991\r\n1000000000000000000000\r\n-0.00000015\r\n0.1\r\n0\r\n2147483647\r\n');
  });

  it('writes booleans, bigints and dates as text', () => {
    expect(toCsv([{ a: true, b: 12n, c: new Date('2026-07-01T10:00:00Z') }], ['a', 'b', 'c'])).toBe('a,b,c\r\ntrue,12,2026-07-01T10:00:00.000Z\r\n');
  });

  it.each(['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx', '\0x'])(
    'defuses the formula %j with a leading apostrophe',
    (text) => {
      const [, [cell]] = parseCsv(toCsv([{ text }], ['text'])) as [string[], string[]];
      expect(cell).toBe(`'${text}`);
    },
  );

  it('leaves negative numbers and harmless text alone', () => {
    expect(toCsv([{ n: -5, s: 'a=b', t: ' =x' }], ['n', 's', 't'])).toBe("n,s,t\r\n-5,a=b, =x\r\n");
  });

  it('guards and quotes header names like any other text', () => {
    expect(toCsv([], ['=cmd', 'a,b'])).toBe(`'=cmd,"a,b"\r\n`);
  });

  it.each([
    [{ n: Number.NaN }, /row 0, column "n": NaN/],
    [{ n: Number.POSITIVE_INFINITY }, /row 0, column "n": Infinity/],
    [{ n: { nested: 1 } }, /row 0, column "n": a value of type object/],
    [{ n: [1, 2] }, /row 0, column "n": a value of type object/],
  ])('refuses %o rather than write something misleading', (row, message) => {
    expect(() => toCsv([row], ['n'])).toThrowError(message);
  });

  it('reads back as the same cells with a strict RFC 4180 parser, formula guard aside', () => {
    const cell = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', '=', '+', '-', '@', '\t', ' ', "'", '\0', 'é') }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.constant(null),
    );
    const columns = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(
        columns.chain((names) => fc.tuple(fc.constant(names), fc.array(fc.tuple(...names.map(() => cell)), { maxLength: 8 }))),
        ([names, values]) => {
          const rows = values.map((row) => Object.fromEntries(names.map((name, index) => [name, row[index]])));
          const [header, ...records] = parseCsv(toCsv(rows, names));
          expect(header).toEqual(names.map(defused));
          expect(records).toHaveLength(rows.length);
          records.forEach((record, r) =>
            record.forEach((text, c) => {
              const value = values[r]![c];
              if (value === null) expect(text).toBe('');
              else if (typeof value === 'number') {
                expect(Number(text)).toBe(value === 0 ? 0 : value);
                expect(text).toMatch(/^-?\d+(?:\.\d+)?$/);
              } else expect(text).toBe(defused(value!));
            }),
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

/** What the formula guard makes of a text cell. */
function defused(text: string): string {
  return /^[=+\-@\t\r\0]/.test(text) ? `'${text}` : text;
}
