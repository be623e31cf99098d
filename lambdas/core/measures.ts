// What a series counts, named once: lifetime pulls (Docker Hub, GHCR, self-hosted) or Quay's daily repository actions.
import type { Sample } from './samples.ts';

/** The measure as every answer names it. */
export type Measure = 'pulls' | 'actions';

/** Quay publishes daily counts of all repository actions and no lifetime total; everything else counts pulls. */
export function measureOf(series: Pick<Sample, 'measure'>): Measure {
  return series.measure === 'daily_actions' ? 'actions' : 'pulls';
}

/** A label that says pulls, turned into the same label for a series of actions (`pulls/week` → `actions/week`). */
export function labelFor(measure: Measure, pullsLabel: string): string {
  return measure === 'actions' ? pullsLabel.replace('pulls', 'actions') : pullsLabel;
}
