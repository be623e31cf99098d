// `npm start`: pullwatch as one local process (see lambdas/local/server.ts).
import { ConfigError } from '../lambdas/core/config.ts';
import { DataDirError } from '../lambdas/local/data-dir.ts';
import { startLocal } from '../lambdas/local/server.ts';

const pullwatch = await startLocal(process.env).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`pullwatch: ${error.message}`);
    process.exit(2);
  }
  // In use, full, damaged: one line that names DATA_DIR and says what to do, no stack trace.
  if (error instanceof DataDirError) {
    console.error(`pullwatch: ${error.message}`);
    process.exit(1);
  }
  throw error;
});
const { dataDir, pollMs } = pullwatch.settings;
console.log(
  `pullwatch is running at ${pullwatch.url} (API: ${pullwatch.url}api/summary) · data in ${dataDir} · ` +
    (pollMs > 0 ? `collecting every ${pollMs / 1000}s` : 'collected once at start'),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping pullwatch`);
    pullwatch.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('unclean shutdown', error);
        process.exit(1);
      },
    );
  });
}
