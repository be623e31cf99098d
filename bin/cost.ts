// `npm run cost -- --repos N --interval MIN --views PER_DAY --store dynamodb|timestream [--json]`:
// synthesizes the stack with those settings and prints its monthly AWS cost estimate by service.
import { parseArgs } from 'node:util';
import { readStackFacts, synthesizeTemplate } from '../lib/cost/facts.ts';
import { type Estimate, estimate } from '../lib/cost/estimate.ts';
import { formatEstimate, formatMarkdown } from '../lib/cost/report.ts';
import { ASSUMPTIONS } from '../lib/cost/workload.ts';

const USAGE = `usage: npm run cost -- --repos N --interval MIN --views PER_DAY --store dynamodb|timestream [options]

  --repos N            tracked repositories (one queue message each per poll)       default 100
  --interval MIN       poll interval in minutes (the stack's pollMinutes)            default 60
  --views PER_DAY      dashboard page views a day                                    default 1000
  --store KIND         series store: dynamodb or timestream                          default dynamodb
  --history-months N   size storage lines after N months of history                 default 12
  --ghcr-share F       share (0..1) of refs that are GHCR packages (paced 3 s each)  default 0
  --long-range-share F share (0..1) of views that also open 90 d, 1 y or all time   default ${ASSUMPTIONS.longRangeShare}
                       (the only dashboard answers not in the read model: on Timestream, the query bill)
  --json               print the estimate as JSON
  --readme             the README tables: 10 / 100 / 1,000 repos on both stores (--interval, --views apply)`;

function main(): void {
  const { values } = parseArgs({
    options: {
      repos: { type: 'string', default: '100' },
      interval: { type: 'string', default: '60' },
      views: { type: 'string', default: '1000' },
      store: { type: 'string', default: 'dynamodb' },
      'history-months': { type: 'string', default: '12' },
      'ghcr-share': { type: 'string', default: '0' },
      'long-range-share': { type: 'string', default: String(ASSUMPTIONS.longRangeShare) },
      json: { type: 'boolean', default: false },
      readme: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const repos = wholeNumber('repos', values.repos, 0);
  const pollMinutes = wholeNumber('interval', values.interval, 1);
  const viewsPerDay = wholeNumber('views', values.views, 0);
  const historyMonths = wholeNumber('history-months', values['history-months'], 1);
  const ghcrShare = share('ghcr-share', values['ghcr-share']);
  const longRangeShare = share('long-range-share', values['long-range-share']);
  const store = values.store;
  if (store !== 'dynamodb' && store !== 'timestream') throw new UsageError(`--store must be dynamodb or timestream; got ${store}`);

  const options = { assumptions: { historyMonths, ghcrShare, longRangeShare } };
  if (values.readme) {
    const estimates: Estimate[] = (['dynamodb', 'timestream'] as const).flatMap((kind) => {
      const facts = readStackFacts(synthesizeTemplate({ store: kind, pollMinutes }));
      return README_REPOS.map((count) => estimate(facts, { repos: count, viewsPerDay }, options));
    });
    console.log(values.json ? JSON.stringify(estimates, null, 2) : formatMarkdown(estimates));
    return;
  }
  const facts = readStackFacts(synthesizeTemplate({ store, pollMinutes }));
  const result = estimate(facts, { repos, viewsPerDay }, options);
  console.log(values.json ? JSON.stringify(result, null, 2) : formatEstimate(result));
}

const README_REPOS = [10, 100, 1000];

class UsageError extends Error {}

function share(name: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !(value >= 0 && value <= 1)) throw new UsageError(`--${name} must be between 0 and 1; got ${JSON.stringify(text)}`);
  return value;
}

function wholeNumber(name: string, text: string | undefined, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text ?? '') || value < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}; got ${JSON.stringify(text)}`);
  return value;
}

try {
  main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
  } else if (/Cannot find asset/.test((error as Error).message)) {
    console.error(`${(error as Error).message}\nThe stack deploys web/dist: run \`npm run build:web\` first.`);
  } else {
    throw error;
  }
  process.exitCode = 2;
}
