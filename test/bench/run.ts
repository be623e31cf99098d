// `npm run bench`: runs every benchmark and prints one JSON report.
import { benchApi } from './api.ts';
import { benchDashboard } from './dashboard.ts';
import { benchIngest } from './ingest.ts';
import { benchPoll } from './poll.ts';

const report = {
  node: process.version,
  poll: {
    tenOwnersOf150PlusExplicit200: await benchPoll({ owners: 10, reposPerOwner: 150, explicitRefs: 200 }),
  },
  api: await benchApi(),
  ingest: await benchIngest(),
  dashboard: await benchDashboard(),
};
console.log(JSON.stringify(report, null, 2));
