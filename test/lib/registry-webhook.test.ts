import { describe, expect, it } from 'vitest';
import { functionPermissions, logicalId, synthesize } from './synth.ts';

const { template } = synthesize();
const ingest = logicalId(template, 'AWS::Lambda::Function', 'WebhookIngest');
const collect = logicalId(template, 'AWS::Lambda::Function', 'CollectorCollect');
const api = logicalId(template, 'AWS::Lambda::Function', 'QueryApi');
const dispatch = logicalId(template, 'AWS::Lambda::Function', 'CollectorDispatch');
const counters = logicalId(template, 'AWS::DynamoDB::GlobalTable', 'WebhookCounters');
const secret = logicalId(template, 'AWS::SecretsManager::Secret', 'WebhookIngestToken');
const resource = (id: string) => template.toJSON().Resources[id];
const actions = (fn: string) => functionPermissions(template, fn).flatMap((statement) => statement.actions);

describe('registry webhook', () => {
  it('routes POST /api/ingest/registry to the ingest function', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /api/ingest/registry' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationUri: { 'Fn::GetAtt': [ingest, 'Arn'] } });
  });

  it('keeps counters in an on-demand table with point-in-time recovery and an expiry for event ids', () => {
    expect(resource(counters).Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      Replicas: [expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
    expect(resource(counters).DeletionPolicy).toBe('Retain');
  });

  it('generates the token at deploy and lets only ingest read it', () => {
    expect(resource(secret).Properties.GenerateSecretString).toMatchObject({ PasswordLength: 48, ExcludePunctuation: true });
    expect(resource(ingest).Properties.Environment.Variables.INGEST_TOKEN_SECRET).toEqual({ Ref: secret });
    expect(actions(ingest)).toContain('secretsmanager:GetSecretValue');
    for (const fn of [collect, api, dispatch]) expect(actions(fn).filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
  });

  it('lets ingest write the counters and add refs, and collect and api only read the counters', () => {
    expect(actions(ingest)).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:PutItem']));
    for (const fn of [collect, api]) {
      expect(resource(fn).Properties.Environment.Variables.COUNTERS_TABLE).toEqual({ Ref: counters });
      const onCounters = functionPermissions(template, fn).filter((statement) => JSON.stringify(statement.resources).includes(counters));
      expect(onCounters.flatMap((statement) => statement.actions).filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    }
    expect(resource(dispatch).Properties.Environment.Variables.COUNTERS_TABLE).toBeUndefined();
  });

  it('names the registry and caps the repositories it may track from context when asked, and leaves both to the function otherwise', () => {
    const named = synthesize({ context: { registryName: 'Registry.Example.com:5000', ingestMaxRepositories: '25' } }).template;
    const fn = logicalId(named, 'AWS::Lambda::Function', 'WebhookIngest');
    expect(named.toJSON().Resources[fn].Properties.Environment.Variables).toMatchObject({ REGISTRY_NAME: 'registry.example.com:5000', INGEST_MAX_REPOSITORIES: '25' });
    expect(resource(ingest).Properties.Environment.Variables).not.toHaveProperty('INGEST_MAX_REPOSITORIES');
  });

  it('lets ingest read the tracked refs (the cap counts them) and write the counters in transactions', () => {
    // TransactWriteItems is authorised by the actions of its parts (puts and updates); recorded ids are read in batches.
    expect(actions(ingest)).toEqual(expect.arrayContaining(['dynamodb:Scan', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']));
  });
});
