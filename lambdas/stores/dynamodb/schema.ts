// Key design of pullwatch's DynamoDB tables, shared by the adapters, local mode's table creation and the stack.
//
// repos table:  pk `ref` = canonical ref. Attributes: enabled, label, last_success_at, last_error {kind, message, at}.
// series table: pk `pk`, sk `sk`, both strings.
//   sample item: pk = `<registry>:<repo>` (series key), sk = collected_at (ISO-8601, sorts by time).
//                Lifetime counters only: the raw history behind hourly views.
//   latest item: pk = `latest`, sk = series key; the newest sample of each repository, so the
//                summary is one Query. `latest` cannot clash with a series key, which always has a colon.
//   month item:  pk = `month#YYYY-MM`, sk = series key; `days` is a JSON string {"DD": [count, collected_at]}:
//                the last reading of each day for lifetime counters, the highest count seen for Quay's daily
//                actions; `version` guards its read-modify-write. Daily views read one item per repository and
//                month (BatchGet) or one partition per month for all repositories (Query), never raw samples.
//                One string instead of an attribute per day: dynalite and the SDK decode it five times faster.
// expires_at (epoch seconds) is the TTL attribute once retention is set.
//
// read model (lambdas/core/read-model.ts): in the series table on the DynamoDB store, in a small table of the same
// key schema beside the repos table on the Timestream store, so no default view waits on (or pays for) a Timestream
// query.
//   view item:       pk = `view`, sk = series key; registry, repo, measure, `version`, and `body`, a JSON string of the
//                    view: the latest sample, the first reading, the day closings of the last 62 UTC days, the baseline
//                    before them and the derived figures (about 2.5 KB). Every default view is one Query of this
//                    partition. Writers read it (consistently), fold their samples in and put it back on the condition
//                    that `version` is still the one read; a loser reads again. Folding the same samples twice changes
//                    nothing and writes nothing, so an SQS redelivery is a no-op.
//   generation item: pk = `generation`, sk = `generation`; `generation` (ADD 1 once per collected message) and
//                    `written_at`. Answers are cached and ETagged by it.
//   Neither `view` nor `generation` can clash with a series key, which always has a colon.
//
// counters table (self-hosted registries' webhook; AWS only): pk `pk`, sk `sk`, TTL attribute expires_at.
//   event item:      pk = `event#<id>`, sk = `event`; written once per event id (conditional put), expires after
//                    8 days: the registry redelivers for as long as it is down, and the id is what makes a
//                    redelivery count nothing. The id is the event's as received (valid UTF-8, at most 256 characters).
//   repository item: pk = `repo#<ref>`, sk = `total`; pulls, version_checks, pushes, deletes (ADD), the earliest and
//                    latest pull and push times and the latest delete time, pushers (a string set of actor names).
//   tag item:        pk = `repo#<ref>`, sk = `tag#<tag>`; pulls, version_checks, last_pull_at.
//   Events are written in groups of at most 100 actions, one TransactWriteItems each: the event items (conditional
//   puts) with one update per repository and tag item they touch, so ids and counts land together or not at all. A
//   time is SET only when it moves the stored one out, on the condition that it has not moved since it was read.
//   Local mode keeps the same counts in a journal in DATA_DIR instead (dynalite has no transactions): see
//   lambdas/local/counter-journal.ts. A DATA_DIR from before the journal had them in its `pullwatch-counters` table,
//   imported once.
//
// request schedule table (the collectors' shared pacing, lambdas/core/pacing.ts): pk `registry` = `dockerhub`, `ghcr`
//   or `quay`; `next_free_at` (epoch ms) is when that registry's next unreserved request slot starts. Collectors reserve
//   slices of slots by moving it on with one conditional UpdateItem (lambdas/stores/dynamodb/request-schedule-table.ts).
//   Three items in all, rewritten in place: nothing to expire, nothing worth restoring.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const REPOS_PARTITION_KEY = 'ref';
export const SERIES_PARTITION_KEY = 'pk';
export const SERIES_SORT_KEY = 'sk';
export const SERIES_TTL_ATTRIBUTE = 'expires_at';
export const LATEST_PARTITION = 'latest';
export const MONTH_PARTITION_PREFIX = 'month#';
export const VIEW_PARTITION = 'view';
export const GENERATION_KEY = { [SERIES_PARTITION_KEY]: 'generation', [SERIES_SORT_KEY]: 'generation' } as const;

export function reposTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: REPOS_PARTITION_KEY, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: REPOS_PARTITION_KEY, KeyType: 'HASH' }],
  };
}

export function seriesTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: SERIES_PARTITION_KEY, AttributeType: 'S' },
      { AttributeName: SERIES_SORT_KEY, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: SERIES_PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SERIES_SORT_KEY, KeyType: 'RANGE' },
    ],
  };
}

export const REQUEST_SCHEDULE_PARTITION_KEY = 'registry';

export function requestScheduleTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: REQUEST_SCHEDULE_PARTITION_KEY, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: REQUEST_SCHEDULE_PARTITION_KEY, KeyType: 'HASH' }],
  };
}

export const COUNTERS_TTL_ATTRIBUTE = 'expires_at';

export function countersTableDefinition(tableName: string): CreateTableCommandInput {
  return { ...seriesTableDefinition(tableName), TableName: tableName };
}
