// Store guard Lambda: a CloudFormation custom resource the stack's store resources and functions depend on. Its update
// fails, and the whole deploy rolls back before any new store is created, when the series store would change unasked.
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { STACK_OUTPUTS } from '../core/stack-outputs.ts';
import { storeChangeRefusal } from '../core/store-guard.ts';
import { logger } from '../logger.ts';

/** The custom resource's properties (lib/store-guard.ts); CloudFormation passes every value as a string. */
export interface StoreGuardProperties {
  Store: string;
  AllowStoreChange: string;
}


export interface StoreGuardDeps {
  readonly describeStack: (stackId: string) => Promise<Stack | undefined>;
}

export type Verdict = { status: 'SUCCESS' } | { status: 'FAILED'; reason: string };

export async function judge(event: CloudFormationCustomResourceEvent, deps: StoreGuardDeps): Promise<Verdict> {
  if (event.RequestType === 'Delete') return { status: 'SUCCESS' };
  const requested = properties(event.ResourceProperties);
  const stackName = stackNameOf(event.StackId);
  let recorded: string | undefined;
  let stack: Stack | undefined;
  if (event.RequestType === 'Update') {
    recorded = properties(event.OldResourceProperties).Store;
  } else {
    // A stack deployed before it had a guard: its last deploy's outputs still say which store it has.
    stack = await deps.describeStack(event.StackId);
    recorded = stack?.Outputs?.find((output) => output.OutputKey === STACK_OUTPUTS.seriesStoreKind)?.OutputValue;
  }
  const refusal = storeChangeRefusal({ stackName, recorded, requested: requested.Store, allowStoreChange: requested.AllowStoreChange === 'true' });
  if (!refusal) return { status: 'SUCCESS' };
  // A rollback puts the recorded store back: refusing it would leave the stack in UPDATE_ROLLBACK_FAILED.
  stack ??= await deps.describeStack(event.StackId);
  const status = stack?.StackStatus ?? '';
  if (status.includes('ROLLBACK')) return { status: 'SUCCESS' };
  return { status: 'FAILED', reason: refusal };
}

/** Answers CloudFormation at the pre-signed ResponseURL, whatever happens: an unanswered request blocks a deploy for an hour. */
export async function respond(event: CloudFormationCustomResourceEvent, deps: StoreGuardDeps): Promise<Verdict> {
  let verdict: Verdict;
  try {
    verdict = await judge(event, deps);
  } catch (error) {
    verdict = { status: 'FAILED', reason: `the store guard could not check the stack: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (verdict.status === 'FAILED') logger.error('refusing the deploy', { reason: verdict.reason });
  const body = JSON.stringify({
    Status: verdict.status,
    ...(verdict.status === 'FAILED' && { Reason: verdict.reason }),
    PhysicalResourceId: event.RequestType === 'Create' ? 'store-guard' : event.PhysicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // The URL is signed without a content type: sending one would make S3 refuse the answer.
  const answer = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!answer.ok) throw new Error(`CloudFormation's response URL answered ${answer.status}`);
  return verdict;
}

function properties(raw: Record<string, unknown>): StoreGuardProperties {
  return { Store: String(raw.Store ?? ''), AllowStoreChange: String(raw.AllowStoreChange ?? 'false') };
}

/** arn:aws:cloudformation:<region>:<account>:stack/<name>/<id> */
function stackNameOf(stackId: string): string {
  return stackId.split('/')[1] ?? stackId;
}

let cloudformation: CloudFormationClient | undefined;

export const handler = (event: CloudFormationCustomResourceEvent): Promise<Verdict> => {
  cloudformation ??= new CloudFormationClient({});
  const client = cloudformation;
  return respond(event, {
    describeStack: async (stackId) => (await client.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0],
  });
};
