// `npm run repos -- urls` and `npm run collect -- --aws` against faked AWS endpoints: CloudFormation's DescribeStacks and
// Lambda's Invoke, as the CLIs really call them over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, json, startFakeUpstream } from '../fakes/upstream.ts';
import { startFakeCloudFormation } from './fake-cloudformation.ts';
import { offlineAws, runCli } from './run.ts';

let cloudformation: FakeUpstream;
let lambda: FakeUpstream;
let aws: Record<string, string | undefined>;
const invoked: string[] = [];

beforeAll(async () => {
  cloudformation = await startFakeCloudFormation({
    Pullwatch: {
      DashboardUrl: 'https://d111.cloudfront.net',
      ApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com',
      IngestUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/api/ingest/registry',
      DispatchFunctionName: 'Pullwatch-CollectorDispatch1A2B',
    },
    Old: { DashboardUrl: 'https://d222.cloudfront.net', ApiUrl: 'https://old.example' },
  });
  lambda = await startFakeUpstream();
  lambda.route(/^\/2015-03-31\/functions\/[^/]+\/invocations$/, (request, response, url) => {
    invoked.push(`${decodeURIComponent(url.pathname.split('/')[3]!)} ${request.headers['x-amz-invocation-type']}`);
    json(response, 200, { dispatched: 12, rejected: 1 });
  });
  aws = offlineAws({ AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation.url, AWS_ENDPOINT_URL_LAMBDA: lambda.url });
});
afterAll(async () => {
  await cloudformation.close();
  await lambda.close();
});

describe('npm run repos -- urls', () => {
  it("prints the stack's dashboard, API and ingest URLs", async () => {
    const run = await runCli('bin/repos.ts', ['urls', '--region', 'eu-west-1'], aws);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').map((line) => line.trimEnd())).toEqual([
      'WHAT       URL',
      'dashboard  https://d111.cloudfront.net',
      'api        https://abc.execute-api.eu-west-1.amazonaws.com',
      'ingest     https://abc.execute-api.eu-west-1.amazonaws.com/api/ingest/registry',
      '',
      'stack Pullwatch, eu-west-1',
      '',
    ]);
    const asJson = await runCli('bin/repos.ts', ['urls', '--stack', 'Old', '--region', 'eu-west-1', '--json'], aws);
    expect(JSON.parse(asJson.stdout)).toEqual({ dashboard: 'https://d222.cloudfront.net', api: 'https://old.example' });
  });

  it('names the stack and region when there is none, and refuses local mode', async () => {
    const missing = await runCli('bin/repos.ts', ['urls', '--stack', 'Nope', '--region', 'eu-west-1'], aws);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('stack "Nope" not found in eu-west-1');
    const local = await runCli('bin/repos.ts', ['urls', '--local'], aws);
    expect(local.code).toBe(2);
    expect(local.stderr).toContain("urls reads the deployed stack's outputs");
  });
});

describe('npm run collect -- --aws', () => {
  it("invokes the stack's dispatch function and says how many refs it queued", async () => {
    const run = await runCli('bin/collect.ts', ['--aws', '--region', 'eu-west-1'], aws);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('collection started in stack Pullwatch (eu-west-1): 12 refs queued (1 invalid skipped); numbers show within minutes (npm run repos -- urls)\n');
    expect(invoked).toEqual(['Pullwatch-CollectorDispatch1A2B RequestResponse']);
  });

  it('says which output is missing on a stack deployed before the command existed', async () => {
    const run = await runCli('bin/collect.ts', ['--aws', '--stack', 'Old', '--region', 'eu-west-1'], aws);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^collect: .*DispatchFunctionName/);
  });

  it('takes --stack and --region only with --aws', async () => {
    const run = await runCli('bin/collect.ts', ['--stack', 'Pullwatch'], aws);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--stack and --region are for --aws');
  });
});
