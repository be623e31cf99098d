// The collection pipeline: a schedule wakes `dispatch`, which queues one message per tracked ref for `collect` to sample.
import { Aws, type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULTS } from '../lambdas/core/defaults.ts';
import { REQUEST_SCHEDULE_PARTITION_KEY } from '../lambdas/stores/dynamodb/schema.ts';
import { PullwatchFunction } from './lambda-function.ts';
import type { RepoTable } from './repo-table.ts';
import { grantSecretValue } from './secret-access.ts';
import type { SeriesStore } from './series-store.ts';
import { grantTableCalls } from './table-access.ts';

export interface CollectorProps {
  readonly repoTable: RepoTable;
  readonly seriesStore: SeriesStore;
  readonly pollMinutes: number;
  /** Secrets Manager secret (name or ARN) with Docker Hub credentials, read by collect. */
  readonly dockerhubSecret?: string;
  /** Secrets Manager secret (name or ARN) holding a GitHub token for discovery, read by collect. */
  readonly githubSecret?: string;
  /** GitHub's REST API, where it is not api.github.com. */
  readonly githubApiUrl?: string;
}

const COLLECT_TIMEOUT = Duration.seconds(60);

export class Collector extends Construct {
  readonly dispatchFunction: PullwatchFunction;
  readonly collectFunction: PullwatchFunction;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: CollectorProps) {
    super(scope, id);
    const environment = { POLL_MINUTES: String(props.pollMinutes) };

    // Kept longer than the queue so a dead letter can still be inspected after its siblings expired.
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // Lambda's guidance: 6 x the function timeout, so retries inside a batch never race a redelivery.
      visibilityTimeout: Duration.seconds(6 * COLLECT_TIMEOUT.toSeconds()),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: DEFAULTS.maxReceives },
    });

    this.dispatchFunction = new PullwatchFunction(this, 'Dispatch', {
      handlerName: 'dispatch',
      timeout: Duration.seconds(60),
      environment: { ...environment, QUEUE_URL: this.queue.queueUrl },
    });
    props.repoTable.bind(this.dispatchFunction, 'listRepos');
    // SendMessageBatch is authorised as sqs:SendMessage; the queue's URL comes from the environment, not GetQueueUrl.
    this.queue.grant(this.dispatchFunction, 'sqs:SendMessage');

    this.collectFunction = new PullwatchFunction(this, 'Collect', {
      handlerName: 'collect',
      timeout: COLLECT_TIMEOUT,
      environment: { ...environment, QUEUE_URL: this.queue.queueUrl },
    });
    // collect records each ref's last success or error on its item.
    props.repoTable.bind(this.collectFunction, 'recordOutcomes', 'keepDiscovery');
    props.seriesStore.grantWrite(this.collectFunction);
    // collect folds its samples into each series' view and moves the generation on.
    props.seriesStore.bindReadModel(this.collectFunction, 'fold');
    if (props.githubApiUrl) this.collectFunction.addEnvironment('GITHUB_API_URL', props.githubApiUrl);
    // Only collect reads these secrets: it is the one function that calls Docker Hub and GitHub.
    for (const [id, name, variable] of [
      ['DockerHubSecret', props.dockerhubSecret, 'DOCKERHUB_SECRET'],
      ['GitHubSecret', props.githubSecret, 'GITHUB_SECRET'],
    ] as const) {
      if (!name) continue;
      const secret = name.startsWith('arn:') ? Secret.fromSecretCompleteArn(this, id, name) : Secret.fromSecretNameV2(this, id, name);
      grantSecretValue(secret, this.collectFunction);
      this.collectFunction.addEnvironment(variable, name);
    }
    // Up to maxConcurrency collect instances run at once, each with its own pacers: they reserve their request slots
    // on one schedule so that together they keep each registry's pace (lambdas/stores/dynamodb/schema.ts).
    const requestSchedule = new TableV2(this, 'RequestSchedule', {
      partitionKey: { name: REQUEST_SCHEDULE_PARTITION_KEY, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      // Three items of pacing state, rebuilt by the next reservation: nothing to keep or restore.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    grantTableCalls(requestSchedule, this.collectFunction, ['reserveSlots']);
    this.collectFunction.addEnvironment('REQUEST_SCHEDULE_TABLE', requestSchedule.tableName);
    // Rate-limited refs are sent back to the queue with a delay instead of failing the batch.
    this.queue.grant(this.collectFunction, 'sqs:SendMessage');
    this.collectFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // Caps parallel batches so a large owner does not hammer one registry's rate limit.
        maxConcurrency: 2,
      }),
    );

    // An own role rather than the target's default one, so its finding can be acknowledged here.
    const scheduleRole = new Role(this, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    new Schedule(this, 'Schedule', {
      description: `Starts a pullwatch collection round every ${props.pollMinutes} minutes`,
      schedule: ScheduleExpression.rate(Duration.minutes(props.pollMinutes)),
      // A missed round is made up by the next one; retrying for the default 24 hours would only pile rounds up, so a
      // round is given up once the next is due (Scheduler takes 1 minute to 24 hours).
      target: new LambdaInvoke(this.dispatchFunction, {
        retryAttempts: 2,
        maxEventAge: Duration.minutes(Math.min(props.pollMinutes, 24 * 60)),
        role: scheduleRole,
      }),
    });
    const dispatchLogicalId = Stack.of(this).getLogicalId(this.dispatchFunction.node.defaultChild as CfnElement);
    Validations.of(scheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${dispatchLogicalId}.Arn>:*]`,
      reason:
        'LambdaInvoke grants invoke on the dispatch function and its versions/aliases (ARN:*); the role can still invoke nothing but dispatch.',
    });
  }
}
