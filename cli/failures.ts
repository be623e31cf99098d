// How `npm start` and `npm run collect` end on a failure a person can fix: one line naming it, and an exit status
// (2: a bad setting; 1: the machine's state, such as DATA_DIR held or a port in use). Anything else is a bug and keeps its stack.
import { ConfigError } from '../lambdas/core/config.ts';
import { DataDirError, NoLocalDataError } from '../lambdas/local/data-dir.ts';
import { ListenError } from '../lambdas/local/server.ts';

const EXIT_STATUS = { unusable: 1, badSetting: 2 } as const;

export function explainFailure(error: unknown): { status: number; message: string } | undefined {
  if (error instanceof ConfigError) return { status: EXIT_STATUS.badSetting, message: error.message };
  if (error instanceof ListenError) return { status: error.badSetting ? EXIT_STATUS.badSetting : EXIT_STATUS.unusable, message: error.message };
  if (error instanceof DataDirError || error instanceof NoLocalDataError) return { status: EXIT_STATUS.unusable, message: error.message };
  return undefined;
}
