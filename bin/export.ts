// `npm run export`: every reading kept, as CSV, from local mode's store or a deployed stack (see cli/history.ts).
import '../cli/sdk-notice.ts';
import { EXIT, UsageError } from '../cli/exit.ts';
import { writeFile } from 'node:fs/promises';
import { EXPORT_HELP, EXPORT_USAGE, openHistoryStores, parseExportArgs } from '../cli/history.ts';
import { exportCsv } from '../lambdas/core/history-files.ts';
import { exportHistory } from '../lambdas/core/history-transfer.ts';
import type { HistoryStores } from '../lambdas/stores/stack-stores.ts';

process.exitCode = await main(process.argv.slice(2));

async function main(argv: string[]): Promise<number> {
  let invocation;
  try {
    invocation = parseExportArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`export: ${error.message}\n${EXPORT_USAGE}\nRun \`npm run export -- --help\` for flags.\n`);
    return EXIT.rejected;
  }
  if (invocation === 'help') {
    process.stdout.write(EXPORT_HELP);
    return EXIT.ok;
  }
  let stores: HistoryStores | undefined;
  try {
    stores = await openHistoryStores(invocation.target, { create: false, command: 'npm run export' });
    const samples = await exportHistory({ ...stores, now: () => new Date() });
    const csv = exportCsv(samples);
    if (invocation.out) {
      await writeFile(invocation.out, csv);
      process.stderr.write(`${samples.length} readings from ${stores.where} written to ${invocation.out}\n`);
    } else process.stdout.write(csv);
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`export: ${stores?.explain(error) ?? (error instanceof Error ? error.message : String(error))}\n`);
    return EXIT.unreachable;
  } finally {
    await stores?.close();
  }
}
