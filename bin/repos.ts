// `npm run repos`: list, add, remove, enable, disable and label tracked refs, in the deployed stack or in local mode's DATA_DIR.
import '../cli/sdk-notice.ts';
import { EXIT, UsageError } from '../cli/exit.ts';
import { REPOS_HELP, REPOS_USAGE, changeExitCode, parseReposArgs, renderChanges, renderList, renderUrls } from '../cli/repos.ts';
import { DEFAULTS } from '../lambdas/core/defaults.ts';
import { type RepoStore, applyChange, checkRepos, labelTracked } from '../lambdas/core/repo-commands.ts';
import { openLocalRepoStore } from '../lambdas/local/data-dir.ts';
import { openStackRepoStore, stackUrls } from '../lambdas/stores/stack-outputs.ts';

process.exitCode = await main(process.argv.slice(2));

async function main(argv: string[]): Promise<number> {
  let invocation;
  try {
    invocation = parseReposArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`repos: ${error.message}\n${REPOS_USAGE}\nRun \`npm run repos -- --help\` for commands, flags and examples.\n`);
    return EXIT.rejected;
  }
  if (invocation === 'help') {
    process.stdout.write(REPOS_HELP);
    return EXIT.ok;
  }

  const { command, refs, json, target } = invocation;
  if (command === 'urls') {
    // parseReposArgs refuses --local and --table for urls.
    if (target.kind !== 'aws') return EXIT.rejected;
    try {
      const urls = await stackUrls(target);
      process.stdout.write(renderUrls(urls, { json, where: `stack ${target.stack}${target.region ? `, ${target.region}` : ''}` }));
      return EXIT.ok;
    } catch (error) {
      process.stderr.write(`repos: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.unreachable;
    }
  }
  let store: RepoStore | undefined;
  try {
    store =
      target.kind === 'local'
        ? await openLocalRepoStore(process.env.DATA_DIR || DEFAULTS.dataDir, {
            create: command === 'add',
            command: 'npm run repos',
            busyAdvice: 'stop it first, or add refs with REPOS=... when starting `npm start`',
          })
        : await openStackRepoStore(target);
    if (command === 'list') {
      process.stdout.write(renderList(checkRepos(await store.repos.list()), { json, where: store.where }));
      return EXIT.ok;
    }
    const results = command === 'label' ? await labelTracked(refs[0]!, invocation.label ?? '', store.repos) : await applyChange(command, refs, store.repos);
    process.stdout.write(renderChanges(command, results, { json, where: store.where }));
    return changeExitCode(results);
  } catch (error) {
    const message = store?.explain(error) ?? (error instanceof Error ? error.message : String(error));
    process.stderr.write(`repos: ${message}\n`);
    return EXIT.unreachable;
  } finally {
    await store?.close();
  }
}
