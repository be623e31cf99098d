// A deployed stack for the CLI: its repos table (found from the stack's CloudFormation outputs, or named by --table) and
// its URLs, read with the user's AWS credentials, and AWS failures turned into messages that name the stack, table and region.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RepoStore } from '../core/repo-commands.ts';
import { STACK_OUTPUTS } from '../core/stack-outputs.ts';
import { DynamoRepoList } from './dynamodb/repo-table.ts';
import { documentClient } from './dynamodb/client.ts';

/** The stack, its output or the region could not be found; the message says which, and what to pass instead. */
export class AwsTargetError extends Error {
  override readonly name = 'AwsTargetError';
}

export interface StackTarget {
  stack: string;
  region?: string;
  /** Skips the stack lookup. */
  table?: string;
}

export interface StackUrls {
  dashboard: string;
  api: string;
  /** Where self-hosted registries send their notifications. */
  ingest?: string;
}

/** A deployed stack's outputs, read once: `output` requires one, `optionalOutput` allows a stack deployed before it. */
export interface DeployedStack {
  stack: string;
  region: string;
  output(name: string): string;
  optionalOutput(name: string): string | undefined;
}

/** One DescribeStacks, in the region given or the profile's; a failure is said in terms of the stack and region. */
export async function readStack(target: { stack: string; region?: string }): Promise<DeployedStack> {
  const cloudformation = new CloudFormationClient(target.region ? { region: target.region } : {});
  try {
    const region = await resolveRegion(cloudformation);
    const where = { stack: target.stack, region };
    let found: StackOutputs;
    try {
      found = await describeStackOutputs(cloudformation, where);
    } catch (error) {
      throw new AwsTargetError(explainAwsError(error, where) ?? messageOf(error), { cause: error });
    }
    return { ...where, output: (output) => requireOutput(found, { ...where, output }), optionalOutput: (output) => found.outputs[output] };
  } finally {
    cloudformation.destroy();
  }
}

/** The dashboard, API and ingest URLs of a deployed stack, from its outputs. */
export async function stackUrls(target: { stack: string; region?: string }): Promise<StackUrls> {
  const stack = await readStack(target);
  const ingest = stack.optionalOutput(STACK_OUTPUTS.ingestUrl);
  return { dashboard: stack.output(STACK_OUTPUTS.dashboardUrl), api: stack.output(STACK_OUTPUTS.apiUrl), ...(ingest && { ingest }) };
}

export async function openStackRepoStore(target: StackTarget): Promise<RepoStore> {
  const dynamodb = new DynamoDBClient(target.region ? { region: target.region } : {});
  try {
    const region = await resolveRegion(dynamodb);
    const table = target.table ?? (await readStack({ stack: target.stack, region })).output(STACK_OUTPUTS.reposTable);
    const context = { region, table, ...(target.table === undefined && { stack: target.stack }) };
    return {
      repos: new DynamoRepoList(documentClient(dynamodb), table),
      where: `table ${table} (${target.table === undefined ? `stack ${target.stack}, ` : ''}${region})`,
      explain: (error) => explainAwsError(error, context),
      close: async () => dynamodb.destroy(),
    };
  } catch (error) {
    dynamodb.destroy();
    throw error;
  }
}

interface StackOutputs {
  outputs: Record<string, string>;
  status: string;
}

function requireOutput({ outputs, status }: StackOutputs, where: { stack: string; region: string; output: string }): string {
  const { stack, region, output } = where;
  const value = outputs[output];
  if (!value) {
    throw new AwsTargetError(
      `stack "${stack}" in ${region} has no ${output} output (its outputs: ${Object.keys(outputs).join(', ') || 'none'}; status ${status}); ` +
        (output === STACK_OUTPUTS.reposTable
          ? 'is it a pullwatch stack? Pass --stack <name> or --table <name>'
          : 'is it a pullwatch stack, deployed since pullwatch has this output? Redeploy it with `npx cdk deploy`, or pass --stack <name>'),
    );
  }
  return value;
}

/** Every output of a deployed stack by key, and its status; AwsTargetError names the stack and region when it is missing. */
async function describeStackOutputs(cloudformation: CloudFormationClient, where: { stack: string; region: string }): Promise<StackOutputs> {
  const { stack, region } = where;
  let stacks;
  try {
    ({ Stacks: stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stack })));
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id X does not exist".
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) {
      throw new AwsTargetError(
        `stack "${stack}" not found in ${region}: deploy it with \`npx cdk deploy\`, or pass --stack <name>, --region <region> or --table <name>`,
        { cause: error },
      );
    }
    throw error;
  }
  const found = stacks?.[0];
  if (!found) throw new AwsTargetError(`stack "${stack}" not found in ${region}: pass --stack <name>, --region <region> or --table <name>`);
  const outputs = Object.fromEntries((found.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [])));
  return { outputs, status: String(found.StackStatus) };
}

/** The region the client will call: --region, else AWS_REGION or the profile's. */
export async function resolveRegion(client: { config: { region: () => Promise<string> } }): Promise<string> {
  try {
    return await client.config.region();
  } catch (error) {
    throw new AwsTargetError('no AWS region: pass --region <region>, or set AWS_REGION or a region in your AWS profile', { cause: error });
  }
}

const REFUSED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidSignatureException',
]);

/** A message for the AWS failures users run into, naming where it happened; undefined for anything else. */
export function explainAwsError(error: unknown, where: { region: string; stack?: string; table?: string }): string | undefined {
  if (error instanceof AwsTargetError) return error.message;
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'CredentialsProviderError') {
    return (
      `no AWS credentials (${error.message}): pullwatch uses the default provider chain: AWS_ACCESS_KEY_ID and ` +
      'AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws (run `aws sso login` for SSO profiles), container and instance roles'
    );
  }
  if (error.name === 'ResourceNotFoundException' && where.table) {
    const origin = where.stack ? `, named by stack ${where.stack}'s ${STACK_OUTPUTS.reposTable} output` : '';
    return `table "${where.table}" not found in ${where.region}${origin}: check --region${where.stack ? '' : ' and --table'}`;
  }
  if (REFUSED.has(error.name)) return `AWS refused the request in ${where.region} (${error.name}): ${error.message}`;
  if ('$metadata' in error) return `AWS error in ${where.region} (${error.name}): ${error.message}`;
  return undefined;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
