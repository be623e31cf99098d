// How the command-line tools lay out text: aligned columns, a recorded error on one line, counted nouns, times.
import type { RecordedError } from '../lambdas/core/ports.ts';

/** Left-aligned columns two spaces apart; trailing blanks trimmed. */
export function table(header: readonly string[] | undefined, rows: readonly (readonly string[])[]): string[] {
  const all = header ? [header, ...rows] : rows;
  const widths = all[0]?.map((_, column) => Math.max(...all.map((row) => row[column]!.length))) ?? [];
  return all.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** `kind: message`, without repeating a kind the message already starts with (upstream errors do); then when the next try is due. */
export function describeError(error: RecordedError): string {
  const text = error.message.startsWith(`${error.kind}:`) ? error.message : `${error.kind}: ${error.message}`;
  return error.retryAt ? `${text}; next try ${shortTime(error.retryAt)}` : text;
}

/** ISO time to the second: `2026-11-23T10:00:00Z`. */
export function shortTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}
