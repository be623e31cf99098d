// `npm run bench`: runs every benchmark and prints one JSON report (`-- --rate-limited` adds the slow ones).
import { benchApi } from './api.ts';
import { benchBundles } from './bundles.ts';
import { benchDashboard } from './dashboard.ts';
import { benchDiscovery } from './discovery.ts';
import { benchIngest } from './ingest.ts';
import { benchLoad } from './load.ts';
import { benchPoll, benchRateLimitedPoll } from './poll.ts';

const report = {
  node: process.version,
  poll: {
    tenOwnersOf150PlusExplicit200: await benchPoll({ owners: 10, reposPerOwner: 150, explicitRefs: 200 }),
  },
  bundles: { dynamodb: await benchBundles('dynamodb'), timestream: await benchBundles('timestream') },
  api: await benchApi(),
  ingest: { oneEventEach: await benchIngest(), thousandEventsEach: await benchIngest(100, 10, 1_000) },
  dashboard: await benchDashboard(),
  load: await benchLoad(),
  discovery: await benchDiscovery(),
  // 1,000 refs at 180 requests a minute take more than 5 minutes by construction, each: only on request.
  ...(process.argv.includes('--rate-limited') && {
    rateLimitedPoll: { oneInstance: await benchRateLimitedPoll(), twoInstances: await benchRateLimitedPoll({ instances: 2 }) },
  }),
};
console.log(JSON.stringify(report, null, 2));
