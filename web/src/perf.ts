// Performance marks the page sets; the dashboard benchmark (test/bench/dashboard.ts) reads them.

/** Set once, after the first chart's first draw: time to first chart is this mark's startTime. */
export const FIRST_CHART_MARK = 'pullwatch:first-chart';
