// The dashboard's ranges and how many days each shows: the page's controls and the API's `range` parameter share them.

export const RANGES = ['7d', '30d', '90d', '1y', 'all'] as const;
export type Range = (typeof RANGES)[number];

/** Days of history each range shows; `all` starts where tracking began, at most ten years back. */
export const RANGE_DAYS: Record<Range, number> = { '7d': 7, '30d': 30, '90d': 90, '1y': 365, all: 3650 };
