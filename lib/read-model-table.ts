// The read model's table (view and generation items, lambdas/stores/dynamodb/schema.ts) and how a function is bound
// to it. The DynamoDB series store keeps the read model in the series table; the Timestream store needs this one.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, type ITableV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { SERIES_PARTITION_KEY, SERIES_SORT_KEY } from '../lambdas/stores/dynamodb/schema.ts';
import { grantTableCalls } from './table-access.ts';

/** collect folds samples into the views (and moves the generation on); api reads them. */
export type ReadModelAccess = 'fold' | 'read';

/** A small table of the series table's key schema: one view item per series and one generation item. */
export class ReadModelTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: SERIES_PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SERIES_SORT_KEY, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Kept like the other tables: a view holds its series' first reading, which Timestream's retention may have deleted.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

/**
 * Tells the function where the read model is (READ_MODEL_TABLE) and grants exactly the access asked for: collect
 * reads a view before it writes it back and updates the generation (fold), api reads both (read).
 */
export function bindReadModelTable(table: ITableV2, fn: LambdaFunction, access: ReadModelAccess): void {
  fn.addEnvironment('READ_MODEL_TABLE', table.tableName);
  grantTableCalls(table, fn, [access === 'fold' ? 'foldViews' : 'readViews']);
}
