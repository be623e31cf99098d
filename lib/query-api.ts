// The query API: an HTTP API whose `/api/*` routes reach the `api` function (a Hono app), read-only for now.
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, type HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PullwatchFunction } from './lambda-function.ts';
import type { RepoTable } from './repo-table.ts';
import type { SeriesStore } from './series-store.ts';

export interface QueryApiProps {
  readonly repoTable: RepoTable;
  readonly seriesStore: SeriesStore;
  readonly pollMinutes: number;
}

export class QueryApi extends Construct {
  readonly apiFunction: PullwatchFunction;
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** The execute-api host name, for CloudFront's `/api/*` origin. */
  readonly domainName: string;

  constructor(scope: Construct, id: string, props: QueryApiProps) {
    super(scope, id);

    this.apiFunction = new PullwatchFunction(this, 'Api', {
      handlerName: 'api',
      timeout: Duration.seconds(15),
      // User-facing: the extra memory buys CPU, which shortens cold starts and CSV/SVG rendering.
      memoryMiB: 512,
      environment: { POLL_MINUTES: String(props.pollMinutes) },
    });
    props.repoTable.bind(this.apiFunction, 'listRepos');
    props.seriesStore.grantRead(this.apiFunction);
    // Every default view is answered from the read model; long ranges and hourly views query the series store.
    props.seriesStore.bindReadModel(this.apiFunction, 'read');

    // The default stage is declared by hand because only an explicit stage takes access logs and throttling.
    this.httpApi = new HttpApi(this, 'HttpApi', { createDefaultStage: false });
    this.httpApi.addRoutes({
      // Paths keep their /api prefix: the Hono app routes on it, and CloudFront forwards /api/* unchanged.
      path: '/api/{proxy+}',
      methods: [HttpMethod.ANY],
      integration: new HttpLambdaIntegration('ApiIntegration', this.apiFunction),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // Cheap protection of the Lambda and Timestream bill against a runaway client.
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTimeEpoch',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            bytes: '$context.responseLength',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.domainName = `${this.httpApi.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;

    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The API serves public pull statistics read-only (JSON, CSV, badges) that dashboards and README badges fetch anonymously; the planned ingest route will check a shared token itself.',
    });
  }
}
