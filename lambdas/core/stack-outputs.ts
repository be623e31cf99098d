// The deployed stack's output names: written by lib/pullwatch-stack.ts, read by the CLIs and the store guard.
export const STACK_OUTPUTS = {
  dashboardUrl: 'DashboardUrl',
  apiUrl: 'ApiUrl',
  ingestUrl: 'IngestUrl',
  reposTable: 'ReposTableName',
  seriesStoreName: 'SeriesStoreName',
  /** Which store a deployed stack was built with: the store guard reads it on stacks deployed before it. */
  seriesStoreKind: 'SeriesStoreKind',
  readModelTable: 'ReadModelTableName',
  dispatchFunction: 'DispatchFunctionName',
} as const;
