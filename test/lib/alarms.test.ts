import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, synthesize } from './synth.ts';

const { template } = synthesize({ context: { pollMinutes: 30 } });
const alarms = () => Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
const alarm = (prefix: string) => template.toJSON().Resources[logicalId(template, 'AWS::CloudWatch::Alarm', prefix)].Properties;

describe('alarms', () => {
  it('watches the dead-letter queue', () => {
    const dlq = logicalId(template, 'AWS::SQS::Queue', 'CollectorDeadLetterQueue');
    expect(alarm('AlarmsDeadLetters')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('watches collect and dispatch errors', () => {
    for (const [prefix, fn] of [['AlarmsCollectErrors', 'CollectorCollect'], ['AlarmsDispatchErrors', 'CollectorDispatch']]) {
      expect(alarm(prefix!)).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(template, 'AWS::Lambda::Function', fn!) } }] });
    }
  });

  it('fires when refs were dispatched but none collected for 3 poll intervals', () => {
    const noSuccess = alarm('AlarmsNoSuccessfulCollection');
    expect(noSuccess).toMatchObject({ EvaluationPeriods: 3, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'notBreaching' });
    const [expression, ...inputs] = noSuccess.Metrics as { Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string }; Period: number } }[];
    expect(expression?.Expression).toBe('IF(FILL(dispatched, 0) > 0, FILL(succeeded, 0), 1)');
    expect(inputs.map((input) => input.MetricStat?.Metric.MetricName).sort()).toEqual(['CollectSucceeded', 'RefsDispatched']);
    expect(inputs.every((input) => input.MetricStat?.Metric.Namespace === 'pullwatch' && input.MetricStat.Period === 30 * 60)).toBe(true);
  });

  it('fires when a pull count goes below its previous reading', () => {
    expect(alarm('AlarmsPullCountRegression')).toMatchObject({ MetricName: 'PullCountDrops', Namespace: 'pullwatch', Threshold: 0 });
  });

  it('stays within the ten free alarms and notifies no one unless alarmEmail is set', () => {
    expect(alarms().length).toBeLessThanOrEqual(10);
    expect(alarms().every(([, resource]) => !resource.Properties.AlarmActions)).toBe(true);
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('emails every alarm to alarmEmail through an SSL-only topic', () => {
    const withEmail = synthesize({ context: { alarmEmail: 'ops@example.com' } }).template;
    const topic = logicalId(withEmail, 'AWS::SNS::Topic', 'AlarmsTopic');
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topic } });
    for (const resource of Object.values(withEmail.findResources('AWS::CloudWatch::Alarm'))) expect(resource.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    withEmail.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('rejects an alarmEmail that is no address', () => {
    expect(() => synthesize({ context: { alarmEmail: 'not-an-address' } })).toThrow('"alarmEmail" must be an email address');
  });
});
