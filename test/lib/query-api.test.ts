import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, synthesize } from './synth.ts';

const { template } = synthesize();
const api = logicalId(template, 'AWS::Lambda::Function', 'QueryApi');

describe('query API', () => {
  it('routes every method under /api, prefix kept, to the api function', () => {
    // The other route is the webhook's POST /api/ingest/registry (registry-webhook.test.ts).
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /api/{proxy+}' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [api, 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
  });

  it('serves a throttled, auto-deployed default stage that writes access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::Logs::LogGroup', 'QueryAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
  });

  it('tells the api function the poll interval', () => {
    expect(template.toJSON().Resources[api].Properties.Environment.Variables.POLL_MINUTES).toBe('60');
  });
});
