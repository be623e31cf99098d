// The repos table: the refs pullwatch tracks (partition key `ref`), with each ref's last success or error.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { type TableCall, grantTableCalls } from './table-access.ts';

/** What a function does with the tracked refs. */
export type RepoTableCall = Extract<TableCall, 'listRepos' | 'addRepos' | 'recordOutcomes' | 'keepDiscovery'>;

export class RepoTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: 'ref', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Users add refs by hand; deleting the stack must not delete their list.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Tells the function where the table is and grants the actions of exactly these calls. */
  bind(fn: LambdaFunction, ...calls: RepoTableCall[]): void {
    fn.addEnvironment('REPOS_TABLE', this.table.tableName);
    grantTableCalls(this.table, fn, calls);
  }
}
