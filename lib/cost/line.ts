// One line of an estimate: a service's list price, what the always-free tier takes off, and the quantities behind it.
import type { PriceName } from './prices.ts';

export interface Line {
  readonly service: string;
  /** Before any free tier. */
  readonly list: number;
  /** What the always-free tier takes off (≥ 0). */
  readonly freeTier: number;
  /** list − freeTier. */
  readonly usd: number;
  /** The quantities behind the figure. */
  readonly detail: string;
}

/** A price by name; the estimate records which ones it used. */
export type PriceOf = (name: PriceName) => number;

/** The free tier never takes off more than the list price, nor less than nothing. */
export function costLine(service: string, list: number, freeTier: number, detail: string): Line {
  const credit = Math.min(list, Math.max(0, freeTier));
  return { service, list, freeTier: credit, usd: list - credit, detail };
}

/** A quantity as the lines print it: rounded, with thousands separators. */
export function wholeQuantity(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
