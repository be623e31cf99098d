// The series store: where pull-count samples live, Timestream (as designed) or a DynamoDB table, chosen by the `store`
// setting, and the read model the default views are served from (in the DynamoDB table, or a table beside Timestream).
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';
import { type ReadModelAccess, ReadModelTable, bindReadModelTable } from './read-model-table.ts';
import { MAX_RETENTION_DAYS, type SeriesStoreKind } from './settings.ts';
import { grantTableCalls } from './table-access.ts';

/** What the rest of the stack needs from a series store; each grant also tells the function where the store is. */
export interface SeriesStore {
  readonly kind: SeriesStoreKind;
  /** The DynamoDB table name, or `database.table` for Timestream. */
  readonly storeName: string;
  /** The DynamoDB table holding the read model (view and generation items). */
  readonly readModelTableName: string;
  grantWrite(fn: LambdaFunction): void;
  grantRead(fn: LambdaFunction): void;
  /** Sets READ_MODEL_TABLE (and RETENTION_DAYS, which hides views past retention) and grants `access` to the read model. */
  bindReadModel(fn: LambdaFunction, access: ReadModelAccess): void;
}

export function createSeriesStore(scope: Construct, id: string, kind: SeriesStoreKind, retentionDays: number): SeriesStore & Construct {
  return kind === 'timestream' ? new TimestreamSeriesStore(scope, id, retentionDays) : new DynamoSeriesStore(scope, id, retentionDays);
}

const TIMESTREAM_TABLE_NAME = 'pulls';

class TimestreamSeriesStore extends Construct implements SeriesStore {
  readonly kind = 'timestream';
  readonly storeName: string;
  readonly readModelTableName: string;
  private readonly database: CfnDatabase;
  private readonly table: CfnTable;
  // Timestream bills every query burst: the default views are served from DynamoDB instead.
  private readonly readModel: ReadModelTable;

  constructor(
    scope: Construct,
    id: string,
    private readonly retentionDays: number,
  ) {
    super(scope, id);
    // No database name: CloudFormation generates one, so a second stack or a redeploy beside a retained
    // database cannot collide with it.
    this.database = new CfnDatabase(this, 'Database');
    this.table = new CfnTable(this, 'Table', {
      databaseName: this.database.ref,
      tableName: TIMESTREAM_TABLE_NAME,
      // Untyped properties: CloudFormation wants these exact PascalCase keys and string numbers.
      retentionProperties: {
        MemoryStoreRetentionPeriodInHours: '24',
        // Timestream deletes older records itself; "keep forever" is its longest retention.
        MagneticStoreRetentionPeriodInDays: String(retentionDays || MAX_RETENTION_DAYS),
      },
      // Late samples (a collector retry, a backfill) are older than the memory store keeps; without
      // magnetic writes Timestream rejects them.
      magneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
    });
    for (const resource of [this.database, this.table]) {
      resource.applyRemovalPolicy(RemovalPolicy.RETAIN); // years of samples cannot be collected again
    }
    this.storeName = `${this.database.ref}.${TIMESTREAM_TABLE_NAME}`;
    this.readModel = new ReadModelTable(this, 'ReadModel');
    this.readModelTableName = this.readModel.table.tableName;

    Validations.of(this).acknowledge({
      id: 'CloudFormation-Validate::W3697',
      reason:
        'Timestream for LiveAnalytics is closed to new customers since 2025-06-20; accounts without access deploy with -c store=dynamodb instead.',
    });
    Validations.of(this.database).acknowledge({
      id: 'AwsSolutions-TS3',
      reason:
        'Public pull counters are not sensitive; the AWS managed Timestream key encrypts them at rest without the monthly cost of a customer managed KMS key.',
    });
  }

  grantWrite(fn: LambdaFunction): void {
    this.bind(fn);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['timestream:WriteRecords'], resources: [this.table.attrArn] }));
  }

  // Queries name the table in FROM, so Select on the table ARN suffices; SelectValues (queries without a table) is not granted.
  grantRead(fn: LambdaFunction): void {
    this.bind(fn);
    // DescribeTable backs /api/health: a probe that bills no query capacity.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['timestream:Select', 'timestream:DescribeTable'], resources: [this.table.attrArn] }));
  }

  bindReadModel(fn: LambdaFunction, access: ReadModelAccess): void {
    fn.addEnvironment('RETENTION_DAYS', String(this.retentionDays));
    bindReadModelTable(this.readModel.table, fn, access);
  }

  private bind(fn: LambdaFunction): void {
    fn.addEnvironment('SERIES_STORE', this.kind);
    fn.addEnvironment('TIMESTREAM_DATABASE', this.database.ref);
    fn.addEnvironment('TIMESTREAM_TABLE', TIMESTREAM_TABLE_NAME);
    fn.addEnvironment('RETENTION_DAYS', String(this.retentionDays));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['timestream:DescribeEndpoints'], resources: ['*'] }));
    Validations.of(fn.role ?? fn).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${fn.node.id}: timestream:DescribeEndpoints has no resource-level permissions, and the Timestream SDK clients call it for endpoint discovery before any read or write.`,
    });
  }
}

class DynamoSeriesStore extends Construct implements SeriesStore {
  readonly kind = 'dynamodb';
  readonly storeName: string;
  readonly readModelTableName: string;
  private readonly table: TableV2;

  constructor(
    scope: Construct,
    id: string,
    private readonly retentionDays: number,
  ) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expires_at',
      removalPolicy: RemovalPolicy.RETAIN, // years of samples cannot be collected again
    });
    this.storeName = this.table.tableName;
    // The view and generation items live beside the samples (their partitions cannot clash with a series key).
    this.readModelTableName = this.table.tableName;
  }

  // Writing reads too: a month item is updated by read-modify-write (lambdas/stores/dynamodb/series-table.ts).
  grantWrite(fn: LambdaFunction): void {
    this.bind(fn);
    grantTableCalls(this.table, fn, ['writeSeries']);
  }

  grantRead(fn: LambdaFunction): void {
    this.bind(fn);
    grantTableCalls(this.table, fn, ['readSeries']);
  }

  bindReadModel(fn: LambdaFunction, access: ReadModelAccess): void {
    fn.addEnvironment('RETENTION_DAYS', String(this.retentionDays));
    bindReadModelTable(this.table, fn, access);
  }

  private bind(fn: LambdaFunction): void {
    fn.addEnvironment('SERIES_STORE', this.kind);
    fn.addEnvironment('SERIES_TABLE', this.table.tableName);
    // TTL deletes expired items within about two days; the functions hide them from reads meanwhile.
    fn.addEnvironment('RETENTION_DAYS', String(this.retentionDays));
  }
}
