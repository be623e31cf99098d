import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type Acknowledgement, synthesize } from './synth.ts';

const STORES = ['dynamodb', 'timestream'] as const;
const REGIONS = ['us-east-1', 'eu-west-1'] as const;
const STACK_NAMES = [undefined, 'PullwatchStaging'] as const;

// Both stores in two regions, as `AWS_REGION=... cdk synth` builds them (some finding ids spell out the region),
// and the default store region-agnostic.
describe.each([...STORES.flatMap((store) => REGIONS.map((region) => ({ store, region }))), { store: 'dynamodb', region: undefined }])(
  'the app with the $store store, region $region',
  ({ store, region }) => {
    const { stackName, template, findings, acknowledgements } = synthesize({ context: { store }, region, validateTemplate: true });

    it('is the stack Pullwatch unless told otherwise', () => {
      expect(stackName).toBe('Pullwatch');
    });

    it('publishes the dashboard, API and ingest URLs, the dispatch function and the store names', () => {
      const outputs = template.toJSON().Outputs;
      expect(Object.keys(outputs).sort()).toEqual([
        'ApiUrl',
        'DashboardUrl',
        'DispatchFunctionName',
        'IngestTokenSecretName',
        'IngestUrl',
        'ReadModelTableName',
        'ReposTableName',
        'SeriesStoreKind',
        'SeriesStoreName',
      ]);
      expect(outputs.SeriesStoreKind.Value).toBe(store);
      // A table of its own beside Timestream; the series table itself on the DynamoDB store.
      expect(outputs.ReadModelTableName.Value.Ref).toMatch(store === 'timestream' ? /^SeriesReadModelTable/ : /^SeriesTable/);
      expect(outputs.DispatchFunctionName.Value.Ref).toMatch(/^CollectorDispatch/);
      expect(JSON.stringify(outputs.DashboardUrl.Value)).toContain('https://');
    });

    it('leaves no cdk-nag or template-validation finding unacknowledged, error or warning', () => {
      expect(findings).toEqual([]);
    });

    it('acknowledges every finding with a specific reason, never a reused one', () => {
      expect(acknowledgements.length).toBeGreaterThan(0);
      const reasonsByFinding = new Map<string, Acknowledgement>();
      for (const ack of acknowledgements) {
        expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(30);
        reasonsByFinding.set(`${ack.path} ${ack.id}`, ack);
      }
      const reasons = [...reasonsByFinding.values()].map((ack) => ack.reason);
      expect(new Set(reasons).size).toBe(reasons.length);
    });
  },
);

/** Resource types whose names are unique in the whole account, and where the template keeps the name. */
const ACCOUNT_WIDE_NAMES: Record<string, (properties: Record<string, any>) => unknown> = {
  'AWS::CloudFront::ResponseHeadersPolicy': (p) => p.ResponseHeadersPolicyConfig.Name,
  'AWS::CloudFront::CachePolicy': (p) => p.CachePolicyConfig.Name,
  'AWS::CloudFront::OriginRequestPolicy': (p) => p.OriginRequestPolicyConfig.Name,
  'AWS::CloudFront::OriginAccessControl': (p) => p.OriginAccessControlConfig.Name,
  'AWS::CloudFront::Function': (p) => p.Name,
};

/** Physical names CloudFormation generates from the stack name when the template leaves them out, as it must here. */
const GENERATED_NAMES: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::Timestream::Database': 'DatabaseName',
};

function resources(template: Template): [string, { Type: string; Properties: Record<string, any> }][] {
  return Object.entries(template.toJSON().Resources);
}

/** A name as CloudFormation will create it: a literal, or a join whose only token is the region. */
function resolvedName(value: unknown, region: string): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) throw new Error(`unexpected name ${JSON.stringify(value)}`);
  return join[1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part) === '{"Ref":"AWS::Region"}' ? region : JSON.stringify(part))).join(join[0]);
}

describe('several instances in one account', () => {
  const deployments = STORES.flatMap((store) =>
    REGIONS.flatMap((region) =>
      STACK_NAMES.map((stackName) => ({ store, region, stackName, synthesis: synthesize({ context: { store, ...(stackName && { stackName }) }, region }) })),
    ),
  );

  it('names the stack from -c stackName', () => {
    expect(deployments.filter((d) => d.stackName).map((d) => d.synthesis.stackName)).toEqual(Array(4).fill('PullwatchStaging'));
  });

  it('gives every account-wide name the stack and the region, so no two stacks or regions share one', () => {
    const owners = new Map<string, string>();
    for (const { store, region, stackName, synthesis } of deployments) {
      const where = `${synthesis.stackName} in ${region}`;
      const names = resources(synthesis.template).flatMap(([id, r]) => {
        const nameOf = ACCOUNT_WIDE_NAMES[r.Type];
        return nameOf ? [{ id, name: resolvedName(nameOf(r.Properties), region) }] : [];
      });
      expect(names.length, `${store} ${where}`).toBe(4);
      for (const { id, name } of names) {
        expect(name, id).toContain(region);
        expect(name, id).toContain(stackName ?? 'Pullwatch');
        // The other store of the same stack and region replaces this one, so only other stacks or regions count.
        const owner = owners.get(name);
        expect(owner === undefined || owner === where, `${name} in ${owner} and ${where}`).toBe(true);
        owners.set(name, where);
      }
    }
    expect(owners.size).toBe(4 * REGIONS.length * STACK_NAMES.length);
  });

  it('leaves every other physical name to CloudFormation, which derives it from the stack name', () => {
    for (const { synthesis } of deployments) {
      for (const [id, r] of resources(synthesis.template)) {
        const key = GENERATED_NAMES[r.Type];
        if (key) expect(r.Properties?.[key], `${id}.${key}`).toBeUndefined();
      }
    }
  });
});
