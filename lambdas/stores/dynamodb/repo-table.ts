// RepoList on the DynamoDB repos table.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { EditableRepoList, RecordedError, TrackedRepo } from '../../core/ports.ts';
import { discoveryStateOf } from './discovery-states.ts';
import { REPOS_PARTITION_KEY } from './schema.ts';

export class DynamoRepoList implements EditableRepoList {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(): Promise<TrackedRepo[]> {
    const repos: TrackedRepo[] = [];
    for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName })) {
      for (const item of page.Items ?? []) repos.push(toTrackedRepo(item));
    }
    return repos.sort((a, b) => a.ref.localeCompare(b.ref));
  }

  async add(refs: readonly string[]): Promise<string[]> {
    const added: string[] = [];
    for (const ref of new Set(refs)) {
      const put = new PutCommand({
        TableName: this.tableName,
        Item: { [REPOS_PARTITION_KEY]: ref, enabled: true },
        ConditionExpression: 'attribute_not_exists(#ref)',
        ExpressionAttributeNames: { '#ref': REPOS_PARTITION_KEY },
      });
      if (await ifTracked(this.client.send(put))) added.push(ref);
    }
    return added;
  }

  setEnabled(ref: string, enabled: boolean): Promise<boolean> {
    return this.updateTracked(ref, 'SET enabled = :enabled', { ':enabled': enabled });
  }

  setLabel(ref: string, label: string | undefined): Promise<boolean> {
    return label === undefined ? this.updateTracked(ref, 'REMOVE #label') : this.updateTracked(ref, 'SET #label = :label', { ':label': label });
  }

  async remove(ref: string): Promise<boolean> {
    return ifTracked(
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [REPOS_PARTITION_KEY]: ref },
          ConditionExpression: 'attribute_exists(#ref)',
          ExpressionAttributeNames: { '#ref': REPOS_PARTITION_KEY },
        }),
      ),
    );
  }

  async recordSuccess(ref: string, at: string, warnings?: readonly string[]): Promise<void> {
    if (warnings?.length) await this.updateTracked(ref, 'SET last_success_at = :at, warnings = :warnings REMOVE last_error', { ':at': at, ':warnings': [...warnings] });
    else await this.updateTracked(ref, 'SET last_success_at = :at REMOVE last_error, warnings', { ':at': at });
  }

  async recordError(ref: string, error: RecordedError): Promise<void> {
    await this.updateTracked(ref, 'SET last_error = :error', { ':error': error });
  }

  /** Updates a tracked item only: false when the ref is not (or no longer) tracked, never a new item. */
  private updateTracked(ref: string, updateExpression: string, values?: Record<string, unknown>): Promise<boolean> {
    return ifTracked(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [REPOS_PARTITION_KEY]: ref },
          UpdateExpression: updateExpression,
          ConditionExpression: 'attribute_exists(#ref)',
          // `#label` stands for `label` wherever an expression names it (the names given must all be used).
          ExpressionAttributeNames: { '#ref': REPOS_PARTITION_KEY, ...(updateExpression.includes('#label') && { '#label': 'label' }) },
          ...(values && { ExpressionAttributeValues: values }),
        }),
      ),
    );
  }
}

/** Resolves true when the conditional write went through, false when its condition did not hold. */
async function ifTracked(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Items may be written by hand in the console: read them leniently (a success time that is no time is left out). */
function toTrackedRepo(item: Record<string, unknown>): TrackedRepo {
  const lastError = item.last_error as RecordedError | undefined;
  const discovery = discoveryStateOf(item);
  const lastSuccessMs = typeof item.last_success_at === 'string' ? Date.parse(item.last_success_at) : Number.NaN;
  return {
    ref: String(item[REPOS_PARTITION_KEY]),
    enabled: item.enabled !== false && item.enabled !== 'false',
    ...(typeof item.label === 'string' && { label: item.label }),
    ...(!Number.isNaN(lastSuccessMs) && { lastSuccessAt: new Date(lastSuccessMs).toISOString() }),
    ...(lastError && typeof lastError === 'object' && { lastError }),
    ...(discovery && { discovery }),
    ...(Array.isArray(item.warnings) && item.warnings.length > 0 && { warnings: item.warnings.map(String) }),
  };
}
