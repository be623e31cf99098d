// `npm run collect -- --aws`: starts a collection round in a deployed stack now, by invoking its dispatch function (named
// by the stack's DispatchFunctionName output) as the schedule would, and reports how many refs it queued.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { STACK_OUTPUTS } from '../core/stack-outputs.ts';
import { AwsTargetError, explainAwsError, messageOf, readStack, resolveRegion } from './stack-outputs.ts';


export interface CollectionStarted {
  stack: string;
  region: string;
  functionName: string;
  /** Queue messages sent: one per enabled tracked ref (an owner's wildcard is one). */
  dispatched: number;
  /** Tracked items skipped because their ref is invalid. */
  rejected: number;
}

export async function startCollection(target: { stack: string; region?: string }): Promise<CollectionStarted> {
  const lambda = new LambdaClient(target.region ? { region: target.region } : {});
  try {
    const region = await resolveRegion(lambda);
    const where = { stack: target.stack, region };
    const functionName = (await readStack(where)).output(STACK_OUTPUTS.dispatchFunction);
    return { ...where, functionName, ...(await invokeDispatch(lambda, functionName, where)) };
  } finally {
    lambda.destroy();
  }
}

async function invokeDispatch(lambda: LambdaClient, functionName: string, where: { stack: string; region: string }): Promise<{ dispatched: number; rejected: number }> {
  const named = `dispatch function ${functionName} (stack ${where.stack}, ${where.region})`;
  let answer;
  try {
    // Synchronous: dispatch only reads the refs and queues them, in seconds; its answer says how many.
    answer = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: '{}' }));
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'ResourceNotFoundException') {
      throw new AwsTargetError(`${named} not found: redeploy the stack with \`npx cdk deploy\`, or check --stack and --region`, { cause: error });
    }
    if (name === 'AccessDeniedException') {
      throw new AwsTargetError(`AWS refused to invoke the ${named}: your credentials need lambda:InvokeFunction on it (${messageOf(error)})`, { cause: error });
    }
    throw new AwsTargetError(explainAwsError(error, where) ?? messageOf(error), { cause: error });
  }
  const payload = answer.Payload?.transformToString() ?? '';
  if (answer.FunctionError) {
    throw new AwsTargetError(`the ${named} failed (${answer.FunctionError}): ${errorMessageOf(payload)}; see its log group`);
  }
  const result = parsePayload(payload);
  if (!result) throw new AwsTargetError(`the ${named} answered ${JSON.stringify(payload.slice(0, 200))}, not a dispatch result: is the stack up to date?`);
  return result;
}

function parsePayload(payload: string): { dispatched: number; rejected: number } | undefined {
  try {
    const parsed: unknown = JSON.parse(payload);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { dispatched, rejected } = parsed as Record<string, unknown>;
    return typeof dispatched === 'number' && typeof rejected === 'number' ? { dispatched, rejected } : undefined;
  } catch {
    return undefined;
  }
}

/** Lambda reports a function's error as `{"errorType": ..., "errorMessage": ...}`. */
function errorMessageOf(payload: string): string {
  try {
    const { errorType, errorMessage } = JSON.parse(payload) as { errorType?: string; errorMessage?: string };
    return [errorType, errorMessage].filter(Boolean).join(': ') || payload;
  } catch {
    return payload || 'no error message';
  }
}
