// `npm run collect`: one collection on local mode's store (lambdas/local/collect-once.ts), for cron; cli/collect-report.ts says what happened.
import '../cli/sdk-notice.ts';
import { parseArgs } from 'node:util';
import { collectExitCode, progressLine, progressLogLine, renderReport } from '../cli/collect-report.ts';
import { explainFailure } from '../cli/failures.ts';
import { type CollectProgress, collectOnce } from '../lambdas/local/collect-once.ts';
import { DEFAULTS } from '../lambdas/core/defaults.ts';
import { logger } from '../lambdas/logger.ts';
import { startCollection } from '../lambdas/stores/start-collection.ts';

const USAGE = `Usage: npm run collect [-- --aws [--stack <name>] [--region <region>]]

Collects every enabled tracked ref once on local mode's store and exits: for cron. Reads the
same environment as \`npm start\` (DATA_DIR, REPOS, DOCKERHUB_API_URL, DOCKERHUB_USERNAME and
DOCKERHUB_TOKEN, ...). Stop \`npm start\` first: both cannot open one DATA_DIR.

Exit status: 0 at least one ref collected; 1 every ref failed, no ref is tracked and enabled,
or DATA_DIR is in use, full or damaged; 2 a bad setting.

With --aws it starts a collection in the deployed stack now instead (invokes its dispatch
function, as the schedule does), so refs just added show numbers within minutes. It needs
cloudformation:DescribeStacks on the stack and lambda:InvokeFunction on that function.

Example (crontab, every hour):
  0 * * * *  cd /srv/pullwatch && DATA_DIR=/var/lib/pullwatch npm run --silent collect >> /var/log/pullwatch.log 2>&1
`;

let options;
try {
  options = parseArgs({
    args: process.argv.slice(2),
    options: { help: { type: 'boolean', short: 'h' }, aws: { type: 'boolean' }, stack: { type: 'string' }, region: { type: 'string' } },
  }).values;
  if (!options.aws && (options.stack !== undefined || options.region !== undefined)) throw new Error('--stack and --region are for --aws');
} catch (error) {
  process.stderr.write(`collect: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (options.aws) {
  const target = { stack: options.stack || DEFAULTS.stackName, ...(options.region && { region: options.region }) };
  try {
    const started = await startCollection(target);
    const skipped = started.rejected > 0 ? ` (${started.rejected} invalid skipped)` : '';
    process.stdout.write(`collection started in stack ${started.stack} (${started.region}): ${started.dispatched} refs queued${skipped}; numbers show within minutes (npm run repos -- urls)\n`);
    process.exit(0);
  } catch (error) {
    process.stderr.write(`collect: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

// Our own lines say what happened to each ref; the handlers' logs stay for errors unless asked for.
if (!process.env.POWERTOOLS_LOG_LEVEL) logger.setLogLevel('ERROR');

const live = process.stdout.isTTY === true;
const show = (progress: CollectProgress) => {
  if (live) process.stdout.write(`\r\x1b[2K${progressLine(progress)}`);
  else {
    const line = progressLogLine(progress);
    if (line) process.stdout.write(`${line}\n`);
  }
};

try {
  const report = await collectOnce(process.env, { onProgress: show });
  if (live) process.stdout.write('\r\x1b[2K');
  process.stdout.write(renderReport(report));
  process.exitCode = collectExitCode(report);
} catch (error) {
  if (live) process.stdout.write('\n');
  const failure = explainFailure(error);
  if (!failure) throw error;
  process.stderr.write(`collect: ${failure.message}\n`);
  process.exitCode = failure.status;
}
