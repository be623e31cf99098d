// Wires pullwatch's constructs into one stack and publishes the URLs and names a user needs after deploying.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { STACK_OUTPUTS } from '../lambdas/core/stack-outputs.ts';
import { Alarms } from './alarms.ts';
import { Collector } from './collector.ts';
import { Dashboard } from './dashboard.ts';
import { QueryApi } from './query-api.ts';
import { INGEST_ROUTE, RegistryWebhook } from './registry-webhook.ts';
import { RepoTable } from './repo-table.ts';
import { createSeriesStore } from './series-store.ts';
import type { StackSettings } from './settings.ts';
import { StoreGuard } from './store-guard.ts';

export type PullwatchStackProps = StackProps & StackSettings;

export class PullwatchStack extends Stack {
  constructor(scope: Construct, id: string, props: PullwatchStackProps) {
    super(scope, id, props);

    const storeGuard = new StoreGuard(this, 'StoreGuard', { store: props.store, allowStoreChange: props.allowStoreChange });
    const repoTable = new RepoTable(this, 'Repos');
    const seriesStore = createSeriesStore(this, 'Series', props.store, props.retentionDays);
    const collector = new Collector(this, 'Collector', {
      repoTable,
      seriesStore,
      pollMinutes: props.pollMinutes,
      ...(props.dockerhubSecret && { dockerhubSecret: props.dockerhubSecret }),
      ...(props.githubSecret && { githubSecret: props.githubSecret }),
      ...(props.githubApiUrl && { githubApiUrl: props.githubApiUrl }),
    });
    const queryApi = new QueryApi(this, 'Query', { repoTable, seriesStore, pollMinutes: props.pollMinutes });
    const webhook = new RegistryWebhook(this, 'Webhook', {
      httpApi: queryApi.httpApi,
      repoTable,
      ...(props.registryName && { registryName: props.registryName }),
      ...(props.ingestMaxRepositories && { ingestMaxRepositories: props.ingestMaxRepositories }),
    });
    webhook.bindReader(collector.collectFunction, ['readRepositoryCounts']);
    webhook.bindReader(queryApi.apiFunction, ['readRepositoryCounts', 'readTagCounts']);
    // The store and everything that reads or writes it: nothing of a refused store switch gets created or changed.
    storeGuard.guard(seriesStore, collector, queryApi, webhook);
    const dashboard = new Dashboard(this, 'Dashboard', { apiDomainName: queryApi.domainName });
    new Alarms(this, 'Alarms', { collector, pollMinutes: props.pollMinutes, ...(props.alarmEmail && { alarmEmail: props.alarmEmail }) });

    new CfnOutput(this, STACK_OUTPUTS.dashboardUrl, {
      description: 'The dashboard; the API is also served here under /api',
      value: `https://${dashboard.distribution.distributionDomainName}`,
    });
    new CfnOutput(this, STACK_OUTPUTS.apiUrl, {
      description: 'The HTTP API itself (routes start with /api); the same API answers at DashboardUrl/api, cached',
      value: queryApi.stage.url,
    });
    new CfnOutput(this, STACK_OUTPUTS.reposTable, {
      description: 'DynamoDB table of tracked refs: one item per ref, partition key "ref"',
      value: repoTable.table.tableName,
    });
    new CfnOutput(this, STACK_OUTPUTS.seriesStoreName, {
      description: 'Where the samples live: a DynamoDB table name, or "database.table" in Timestream',
      value: seriesStore.storeName,
    });
    new CfnOutput(this, STACK_OUTPUTS.seriesStoreKind, { description: 'timestream or dynamodb', value: seriesStore.kind });
    new CfnOutput(this, STACK_OUTPUTS.readModelTable, {
      description: 'DynamoDB table the default views are served from (view and generation items): the series table itself on the DynamoDB store',
      value: seriesStore.readModelTableName,
    });
    new CfnOutput(this, STACK_OUTPUTS.ingestUrl, {
      description: "Self-hosted registries' notifications endpoint (config.yml notifications.endpoints[].url)",
      value: `https://${queryApi.domainName}${INGEST_ROUTE}`,
    });
    new CfnOutput(this, STACK_OUTPUTS.dispatchFunction, {
      description: 'The function that starts a collection round; `npm run collect -- --aws` invokes it to collect now',
      value: collector.dispatchFunction.functionName,
    });
    new CfnOutput(this, 'IngestTokenSecretName', {
      description: 'Secrets Manager secret holding the bearer token registries send to IngestUrl',
      value: webhook.tokenSecret.secretName,
    });
  }
}
