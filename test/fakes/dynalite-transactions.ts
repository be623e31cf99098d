// dynalite has no TransactWriteItems (FACTS): this document client runs one the way DynamoDB decides it (every
// condition checked first, cancelled as a whole with per-item reasons) and then applies its writes one by one. That is
// atomic for the single writer of a test; fault tests stop writers between calls, never inside one.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** The conditions the counters use: an item that does not exist yet, and times that have not moved past a value. */
const NOT_EXISTS = /^attribute_not_exists\(#pk\)$/;
const TIME_NOT_PAST = /^\(attribute_not_exists\((\w+)\) OR (\w+) ([<>]) (:\w+)\)$/;

/** Whether `item` (undefined: no item) meets the condition; throws on one this emulator does not know. */
function holds(condition: string, item: Record<string, unknown> | undefined, values: Record<string, unknown>): boolean {
  if (NOT_EXISTS.test(condition)) return item === undefined;
  return condition.split(' AND ').every((part) => {
    const match = TIME_NOT_PAST.exec(part);
    if (!match || match[1] !== match[2]) throw new Error(`the emulated transaction does not evaluate ${part}`);
    const [, name, , operator, value] = match as unknown as [string, string, string, '<' | '>', string];
    const stored = item?.[name];
    if (stored === undefined) return true;
    return operator === '<' ? String(stored) < String(values[value]) : String(stored) > String(values[value]);
  });
}

export function withTransactions(client: DynamoDBDocumentClient): DynamoDBDocumentClient {
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  const transactions = Object.create(client) as DynamoDBDocumentClient;
  const emulated = async (command: unknown): Promise<unknown> => {
    if (!(command instanceof TransactWriteCommand)) return send(command);
    const items = command.input.TransactItems ?? [];
    if (items.length > 100) throw new Error(`a transaction of ${items.length} actions; DynamoDB takes at most 100`);
    const keys = new Set<string>();
    const checks = items.map(async (item) => {
      const put = item.Put;
      if (!put && !item.Update) throw new Error('the emulated transaction takes Put and Update actions only');
      const target = put ? { TableName: put.TableName!, Key: { pk: put.Item!.pk, sk: put.Item!.sk } } : { TableName: item.Update!.TableName!, Key: item.Update!.Key! };
      const key = JSON.stringify(target);
      if (keys.has(key)) throw new Error(`a transaction names one item twice: ${key}`);
      keys.add(key);
      const condition = put?.ConditionExpression ?? item.Update?.ConditionExpression;
      if (condition === undefined) return { Code: 'None' };
      const { Item: stored } = (await send(new GetCommand({ ...target, ConsistentRead: true }))) as { Item?: Record<string, unknown> };
      return { Code: holds(condition, stored, item.Update?.ExpressionAttributeValues ?? {}) ? 'None' : 'ConditionalCheckFailed' };
    });
    const reasons = await Promise.all(checks);
    if (reasons.some((reason) => reason.Code !== 'None')) {
      throw new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons });
    }
    // Every item is a different one, so the order of the writes does not matter.
    await Promise.all(
      items.map((item) => {
        if (item.Put) return send(new PutCommand({ TableName: item.Put.TableName, Item: item.Put.Item }));
        const { TableName, Key, UpdateExpression, ExpressionAttributeNames, ExpressionAttributeValues } = item.Update!;
        return send(new UpdateCommand({ TableName, Key, UpdateExpression, ExpressionAttributeNames, ExpressionAttributeValues }));
      }),
    );
    return { $metadata: {} };
  };
  Object.defineProperty(transactions, 'send', { value: emulated });
  return transactions;
}
