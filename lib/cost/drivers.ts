// What drives a cost estimate: the notes printed beside its lines, and how its numbers are written.
import { KEPT_DAYS } from '../../lambdas/core/read-model.ts';
import type { Line } from './estimate.ts';
import { PRICES } from './prices.ts';
import { type Assumptions, LONG_RANGES } from './workload.ts';

export interface DriverInput {
  lines: readonly Line[];
  totalUsd: number;
  assumptions: Assumptions;
  /** Only on the Timestream store: how long a long range's answer is cached, and the query bursts it costs. */
  timestream: { cachedSeconds: number; bursts: number; queriesUsd: number } | undefined;
  sqs: { requests: number; idleReceives: number; maxConcurrency: number | undefined; secondsPerMonth: number };
}

/** The largest line, and why the lines that surprise people (Timestream queries, idle SQS polls) are what they are. */
export function costDrivers({ lines, totalUsd, assumptions: a, timestream, sqs }: DriverInput): string[] {
  const notes: string[] = [];
  const share = (usd: number) => `$${formatNumber(usd, 2)} of $${formatNumber(totalUsd, 2)} (${Math.round((100 * usd) / totalUsd)}%)`;
  const top = [...lines].sort((x, y) => y.usd - x.usd)[0]!;
  if (totalUsd > 0) notes.push(`Largest line after the free tier: ${top.service}, ${share(top.usd)}.`);
  if (timestream && totalUsd > 0) {
    notes.push(
      `Timestream queries: only the ${LONG_RANGES.join(', ')} ranges read Timestream (the read model holds ${KEPT_DAYS} days); ${formatNumber(100 * a.longRangeShare, 1)}% of views are assumed to open one. ` +
        `Each range's answer stays cached ${timestream.cachedSeconds} s; a miss is one query, a burst of ≥ ${a.timestreamMinTcu} TCU × ${a.timestreamMinBurstSeconds} s: ` +
        `${Math.round(timestream.bursts).toLocaleString('en-US')} bursts, ${share(timestream.queriesUsd)}; --long-range-share sets the share.`,
    );
  }
  if (sqs.requests > 0) {
    const scaledDownUsd = ((a.sqsPollersScaledDown * sqs.secondsPerMonth) / a.sqsLongPollSeconds / 1e6) * PRICES.sqsPerMillionRequests;
    const idleUsd = (sqs.idleReceives / 1e6) * PRICES.sqsPerMillionRequests;
    notes.push(
      `SQS: ${Math.round((100 * sqs.idleReceives) / sqs.requests)}% of the requests are the event source's empty long polls, there with no traffic at all` +
        (sqs.maxConcurrency !== undefined
          ? `; maxConcurrency ${sqs.maxConcurrency} keeps ${a.sqsPollersWithMaxConcurrency} pollers (without it Lambda scales down to ${a.sqsPollersScaledDown}: $${formatNumber(scaledDownUsd, 2)} instead of $${formatNumber(idleUsd, 2)} list).`
          : '.') +
        (lines.find((l) => l.service === 'SQS')!.usd === 0 ? ' The 1 M free requests cover them while nothing else in the account uses SQS.' : ''),
    );
  }
  return notes;
}

export function formatNumber(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
