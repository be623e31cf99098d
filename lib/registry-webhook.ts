// Self-hosted registries' webhook: POST /api/ingest/registry → `ingest`, its counters table and its token secret.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { HttpMethod, type HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { COUNTERS_TTL_ATTRIBUTE, SERIES_PARTITION_KEY, SERIES_SORT_KEY } from '../lambdas/stores/dynamodb/schema.ts';
import { PullwatchFunction } from './lambda-function.ts';
import type { RepoTable } from './repo-table.ts';
import { grantSecretValue } from './secret-access.ts';
import { type TableCall, grantTableCalls } from './table-access.ts';

export type CounterReadCall = Extract<TableCall, 'readRepositoryCounts' | 'readTagCounts'>;

export const INGEST_ROUTE = '/api/ingest/registry';

export interface RegistryWebhookProps {
  readonly httpApi: HttpApi;
  readonly repoTable: RepoTable;
  /** Names the registry in refs instead of the request's Host (a registry reached under several names). */
  readonly registryName?: string;
  /** Self-hosted repositories the webhook may track by itself; unset, the function's default. */
  readonly ingestMaxRepositories?: number;
}

export class RegistryWebhook extends Construct {
  readonly countersTable: TableV2;
  readonly tokenSecret: Secret;
  readonly ingestFunction: PullwatchFunction;

  constructor(scope: Construct, id: string, props: RegistryWebhookProps) {
    super(scope, id);
    this.countersTable = new TableV2(this, 'Counters', {
      partitionKey: { name: SERIES_PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SERIES_SORT_KEY, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Event ids expire after 8 days: long enough to recognise any redelivery.
      timeToLiveAttribute: COUNTERS_TTL_ATTRIBUTE,
      // The counts exist nowhere else: deleting the stack must not delete them.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.tokenSecret = new Secret(this, 'IngestToken', {
      description: "Bearer token a self-hosted registry sends with its notifications to pullwatch's webhook",
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "The webhook token is also written in each registry's config.yml; rotating it here alone would make every registry's notifications fail until its config is edited, so rotation is the operator's manual step.",
    });

    this.ingestFunction = new PullwatchFunction(this, 'Ingest', {
      handlerName: 'ingest',
      // The registry keeps its notifications in memory and retries forever: answer quickly or not at all.
      timeout: Duration.seconds(10),
      environment: {
        COUNTERS_TABLE: this.countersTable.tableName,
        INGEST_TOKEN_SECRET: this.tokenSecret.secretArn,
        ...(props.registryName && { REGISTRY_NAME: props.registryName }),
        ...(props.ingestMaxRepositories && { INGEST_MAX_REPOSITORIES: String(props.ingestMaxRepositories) }),
      },
    });
    grantTableCalls(this.countersTable, this.ingestFunction, ['recordCounts']);
    grantSecretValue(this.tokenSecret, this.ingestFunction);
    // Each repository seen is added to the tracked refs, unless it is tracked already.
    props.repoTable.bind(this.ingestFunction, 'listRepos', 'addRepos');

    props.httpApi.addRoutes({
      path: INGEST_ROUTE,
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('IngestIntegration', this.ingestFunction),
    });
  }

  /** For functions that read the counts: collect samples a repository's, api also shows its tags'. */
  bindReader(fn: LambdaFunction, calls: readonly CounterReadCall[]): void {
    fn.addEnvironment('COUNTERS_TABLE', this.countersTable.tableName);
    grantTableCalls(this.countersTable, fn, calls);
  }
}
