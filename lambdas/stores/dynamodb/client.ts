// The DynamoDB document client every DynamoDB adapter shares, in a module of its own so a function that needs only
// DynamoDB (dispatch, ingest) does not bundle the other stores' SDK clients.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function documentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
