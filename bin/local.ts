// `npm start`: pullwatch as one local process (lambdas/local/server.ts); `--build` builds the dashboard once DATA_DIR is held.
import '../cli/sdk-notice.ts';
import { buildDashboard } from '../cli/dashboard-build.ts';
import { explainFailure } from '../cli/failures.ts';
import { startupLines, stoppedAtOnceLine, stoppingLine } from '../cli/start.ts';
import { startLocal } from '../lambdas/local/server.ts';

const build = process.argv.includes('--build');
const pullwatch = await startLocal(process.env, build ? { prepareDashboard: buildDashboard } : {}).catch((error: unknown) => {
  const failure = explainFailure(error);
  if (!failure) throw error;
  console.error(`pullwatch: ${failure.message}`);
  process.exit(failure.status);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      console.log(stoppedAtOnceLine(pullwatch.collecting));
      process.exit(130);
    }
    stopping = true;
    console.log(stoppingLine(signal, pullwatch.collecting));
    pullwatch.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('unclean shutdown', error);
        process.exit(1);
      },
    );
  });
}
// After the handlers: whoever reads the startup line may stop the process at once.
for (const line of startupLines(pullwatch)) console.log(line);
