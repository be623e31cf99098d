import { runInNewContext } from 'node:vm';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, synthesize } from './synth.ts';

const { template } = synthesize();
const regional = synthesize({ region: 'eu-west-1' }).template;
const distribution = template.findResources('AWS::CloudFront::Distribution');
const config = Object.values(distribution)[0]!.Properties.DistributionConfig;
const resources = template.toJSON().Resources;

const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

describe('dashboard bucket', () => {
  it('is private, TLS-only, encrypted and access-logged', () => {
    const site = logicalId(template, 'AWS::S3::Bucket', 'DashboardSite');
    expect(resources[site].Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(template, 'AWS::S3::Bucket', 'DashboardAccessLogs') } },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: site },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('receives web/dist, then CloudFront drops everything it cached', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: logicalId(template, 'AWS::S3::Bucket', 'DashboardSite') },
      DistributionPaths: ['/*'],
      RetainOnDelete: false,
    });
  });
});

describe('CloudFront distribution', () => {
  it('reads the bucket through origin access control', () => {
    const oac = logicalId(template, 'AWS::CloudFront::OriginAccessControl', 'Dashboard');
    const s3Origin = config.Origins.find((o: { S3OriginConfig?: unknown }) => o.S3OriginConfig);
    expect(s3Origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oac, 'Id'] });
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(s3Origin.Id);
    expect(config.DefaultRootObject).toBe('index.html');
  });

  it('redirects to HTTPS, compresses and sends the security headers on the dashboard', () => {
    expect(config.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', Compress: true });
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({
      Ref: logicalId(template, 'AWS::CloudFront::ResponseHeadersPolicy', 'DashboardSecurityHeaders'),
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: {
          ContentSecurityPolicy: {
            ContentSecurityPolicy:
              "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
            Override: true,
          },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000 }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: Match.objectLike({ ReferrerPolicy: 'strict-origin-when-cross-origin' }),
        },
      },
    });
  });

  it('sends /api/* to the HTTP API with every method and without the viewer Host header', () => {
    const apiBehavior = config.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/api/*');
    expect(apiBehavior).toMatchObject({
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      ViewerProtocolPolicy: 'https-only',
    });
    const apiOrigin = config.Origins.find((o: { Id: string }) => o.Id === apiBehavior.TargetOriginId);
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('execute-api');
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(logicalId(template, 'AWS::ApiGatewayV2::Api', 'QueryHttpApi'));
    expect(apiOrigin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
  });

  it('caches API answers as long as their Cache-Control says, up to a day, keyed by query string and Accept', () => {
    const apiBehavior = config.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/api/*');
    const cachePolicy = resources[apiBehavior.CachePolicyId.Ref].Properties.CachePolicyConfig;
    expect(cachePolicy).toMatchObject({
      MinTTL: 0,
      DefaultTTL: 0,
      MaxTTL: 86400,
      ParametersInCacheKeyAndForwardedToOrigin: {
        QueryStringsConfig: { QueryStringBehavior: 'all' },
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Accept'] },
      },
    });
  });

  it('writes access logs to the log bucket', () => {
    expect(config.Logging).toMatchObject({
      Bucket: { 'Fn::GetAtt': [logicalId(template, 'AWS::S3::Bucket', 'DashboardAccessLogs'), 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
  });
});

/** The function as deployed: its code from the template, run in a fresh context with CloudFront's event shape. */
function apiAcceptFunction(from = template) {
  const [id, resource] = Object.entries(from.findResources('AWS::CloudFront::Function'))[0]!;
  const handler = runInNewContext(`${resource.Properties.FunctionCode}\nhandler;`, {}) as (event: unknown) => { headers: Record<string, { value: string }> };
  const accept = (headers: Record<string, unknown>) => handler({ version: '1.0', context: { eventType: 'viewer-request' }, request: { method: 'GET', uri: '/api/summary', querystring: {}, headers, cookies: {} } }).headers.accept?.value;
  return { id, properties: resource.Properties, accept };
}

describe('API Accept normalisation (CloudFront Function)', () => {
  const fn = apiAcceptFunction();

  it('runs on viewer requests of /api/* only, in the cloudfront-js-2.0 runtime, published', () => {
    template.resourceCountIs('AWS::CloudFront::Function', 1);
    expect(fn.properties.FunctionConfig).toMatchObject({ Runtime: 'cloudfront-js-2.0' });
    expect(fn.properties.AutoPublish).toBe(true);
    const apiBehavior = config.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/api/*');
    expect(apiBehavior.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fn.id, 'FunctionARN'] } }]);
    expect(config.DefaultCacheBehavior.FunctionAssociations).toBeUndefined();
  });

  it('has no fixed name: each stack and region gets its own (CloudFront Function names are account-wide)', () => {
    const name = (t: typeof template) => JSON.stringify(Object.values(t.findResources('AWS::CloudFront::Function'))[0]!.Properties.Name);
    expect(name(template)).toContain('AWS::Region');
    expect(name(regional)).toContain('eu-west-1');
  });

  it('reduces Accept to text/csv when it asks for CSV, as wantsCsv reads it', () => {
    expect(fn.accept({ accept: { value: 'text/csv,*/*' } })).toBe('text/csv');
    expect(fn.accept({ accept: { value: 'text/csv' } })).toBe('text/csv');
    expect(fn.accept({ accept: { value: 'application/json;q=0.9, text/csv' } })).toBe('text/csv');
    expect(fn.accept({ accept: { value: 'application/json', multiValue: [{ value: 'application/json' }, { value: 'text/csv;q=0.5' }] } })).toBe('text/csv');
  });

  it('reduces every other Accept, or none, to application/json', () => {
    expect(fn.accept({ accept: { value: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8' } })).toBe('application/json');
    expect(fn.accept({ accept: { value: '*/*' } })).toBe('application/json');
    expect(fn.accept({ accept: { value: 'application/json' } })).toBe('application/json');
    expect(fn.accept({ host: { value: 'example.cloudfront.net' } })).toBe('application/json');
  });

  it('leaves the rest of the request alone', () => {
    const handler = runInNewContext(`${fn.properties.FunctionCode}\nhandler;`, {}) as (event: unknown) => Record<string, unknown>;
    const request = { method: 'POST', uri: '/api/ingest/registry', querystring: { a: { value: '1' } }, headers: { authorization: { value: 'Bearer x' }, accept: { value: '*/*' } }, cookies: {} };
    expect(handler({ request })).toEqual({ ...request, headers: { authorization: { value: 'Bearer x' }, accept: { value: 'application/json' } } });
  });
});
