// Alarms that tell a user the stack has stopped doing its job, and an optional email topic they notify.
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRIC_NAMES, METRIC_NAMESPACE, METRIC_SERVICE, type MetricName } from '../lambdas/metrics.ts';
import type { Collector } from './collector.ts';

export interface AlarmsProps {
  readonly collector: Collector;
  readonly pollMinutes: number;
  /** Subscribes this address to every alarm. */
  readonly alarmEmail?: string;
}

/** CloudWatch alarm periods are whole minutes and at most a day. */
const MAX_PERIOD_MINUTES = 24 * 60;

export class Alarms extends Construct {
  readonly alarms: Alarm[];
  readonly topic?: Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { collector } = props;
    const pollPeriod = Duration.minutes(Math.min(props.pollMinutes, MAX_PERIOD_MINUTES));
    const pullwatchMetric = (name: MetricName) =>
      new Metric({ namespace: METRIC_NAMESPACE, metricName: name, dimensionsMap: { service: METRIC_SERVICE }, statistic: 'Sum', period: pollPeriod });

    this.alarms = [
      new Alarm(this, 'DeadLetters', {
        alarmDescription: 'Refs failed every retry and sit in the dead-letter queue: their collections are missing. Check the collect logs for the refs.',
        metric: collector.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      ...[collector.collectFunction, collector.dispatchFunction].map(
        (fn) =>
          new Alarm(this, `${fn.node.id}Errors`, {
            alarmDescription: `The ${fn.node.id.toLowerCase()} function failed (an error, not an upstream failure it recorded). See its log group.`,
            metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
            threshold: 0,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
      ),
      new Alarm(this, 'NoSuccessfulCollection', {
        alarmDescription: `Refs were dispatched but none was collected successfully for 3 polls (${props.pollMinutes} minutes each): a registry changed, blocks pullwatch, or the store refuses writes.`,
        // A stack with nothing to collect is not failing: without dispatched refs the expression reads 1 (fine).
        metric: new MathExpression({
          expression: 'IF(FILL(dispatched, 0) > 0, FILL(succeeded, 0), 1)',
          usingMetrics: { dispatched: pullwatchMetric(METRIC_NAMES.refsDispatched), succeeded: pullwatchMetric(METRIC_NAMES.collectSucceeded) },
          period: pollPeriod,
          label: 'successful collections while refs were dispatched',
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'PullCountRegression', {
        alarmDescription:
          "A repository's pull count went below its previous reading (a counter reset or a registry restatement). The collect log names the repository; daily deltas clamp the drop to 0.",
        metric: pullwatchMetric(METRIC_NAMES.pullCountDrops),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];

    if (props.alarmEmail) {
      this.topic = new Topic(this, 'Topic', { displayName: 'pullwatch alarms', enforceSSL: true });
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
      for (const alarm of this.alarms) alarm.addAlarmAction(new SnsAction(this.topic));
      Validations.of(this.topic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed KMS key ($1/month) would cost more than the rest of this stack; the topic carries alarm names only.',
      });
    }
  }
}
