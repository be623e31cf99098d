// `npm run import`: history files into local mode's store or a deployed stack (see cli/history.ts).
import '../cli/sdk-notice.ts';
import { EXIT, UsageError } from '../cli/exit.ts';
import { IMPORT_HELP, IMPORT_USAGE, openHistoryStores, parseImportArgs, readHistoryFiles, renderImportReport } from '../cli/history.ts';
import { HistoryFileError } from '../lambdas/core/history-files.ts';
import { type ParsedFiles, importHistory, parseHistoryFiles } from '../lambdas/core/history-transfer.ts';
import type { HistoryStores } from '../lambdas/stores/stack-stores.ts';

process.exitCode = await main(process.argv.slice(2));

async function main(argv: string[]): Promise<number> {
  let invocation;
  let parsed: ParsedFiles;
  try {
    invocation = parseImportArgs(argv);
    if (invocation === 'help') {
      process.stdout.write(IMPORT_HELP);
      return EXIT.ok;
    }
    // Every file is read before the store is opened: a bad one leaves DATA_DIR (or the stack) untouched.
    parsed = parseHistoryFiles(await readHistoryFiles(invocation.paths), { now: new Date(), ...(invocation.registry && { registry: invocation.registry }) });
  } catch (error) {
    if (error instanceof HistoryFileError) {
      process.stderr.write(`import: ${error.message}\nnothing was imported\n`);
      return EXIT.rejected;
    }
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`import: ${error.message}\n${IMPORT_USAGE}\nRun \`npm run import -- --help\` for formats, flags and examples.\n`);
    return EXIT.rejected;
  }
  let stores: HistoryStores | undefined;
  try {
    stores = await openHistoryStores(invocation.target, { create: true, command: 'npm run import' });
    const reports = await importHistory(parsed, { ...stores, now: () => new Date() });
    process.stdout.write(renderImportReport(reports, stores.where));
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`import: ${stores?.explain(error) ?? (error instanceof Error ? error.message : String(error))}\n`);
    return EXIT.unreachable;
  } finally {
    await stores?.close();
  }
}
