// The dashboard: web/dist in a private bucket, served with the API under one CloudFront domain (`/` → S3, `/api/*` → HTTP API).
import { fileURLToPath } from 'node:url';
import { type CfnElement, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  Function as EdgeFunction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  S3OriginAccessControl,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONTENT_SECURITY_POLICY, HSTS_MAX_AGE_SECONDS } from '../lambdas/core/dashboard-headers.ts';
import { accountWideName } from './names.ts';

export interface DashboardProps {
  /** Host name of the HTTP API that serves `/api/*`. */
  readonly apiDomainName: string;
}

const webDist = fileURLToPath(new URL('../web/dist', import.meta.url));
const apiAcceptSource = fileURLToPath(new URL('./dashboard-api-accept.js', import.meta.url));


export class Dashboard extends Construct {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);

    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // CloudFront standard logging delivers through bucket ACLs, which BUCKET_OWNER_ENFORCED disables.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      // Access logs are evidence; they outlive the stack and expire by the lifecycle rule.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is itself the destination of the CloudFront and site-bucket access logs; logging its own access would only log the log deliveries.',
    });

    const site = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'site-bucket/',
      // Holds only the build of web/dist; the deployment below empties it on stack deletion, so no
      // auto-delete custom resource is needed.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Account-wide names (CDK derives the headers policy and origin access control names without the region).
    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: accountWideName(this, 'security-headers'),
      comment: 'pullwatch dashboard: CSP and the usual security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
    });

    // A minimum and default TTL of zero let the API's own Cache-Control decide what CloudFront keeps, and for how
    // long: its max-age reaches the poll interval (a day at most is kept, however long the interval).
    const apiCachePolicy = new CachePolicy(this, 'ApiCachePolicy', {
      cachePolicyName: accountWideName(this, 'api-cache'),
      comment: 'pullwatch API: honours the origin Cache-Control; query string and Accept (CSV or JSON) select the representation',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      // `Accept: text/csv` turns the same URL into CSV; apiAccept reduces Accept to text/csv or application/json first.
      headerBehavior: CacheHeaderBehavior.allowList('Accept'),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    // No function name: CloudFront Function names are unique per account, and CDK derives one from the region and the
    // construct path, so a second stack or region does not collide with this one.
    const apiAccept = new EdgeFunction(this, 'ApiAccept', {
      comment: 'pullwatch API: Accept reduced to text/csv or application/json, so the cache keeps one answer per format',
      code: FunctionCode.fromFile({ filePath: apiAcceptSource }),
      runtime: FunctionRuntime.JS_2_0,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'pullwatch dashboard and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: accessLogs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(site, {
          originAccessControl: new S3OriginAccessControl(this, 'SiteAccess', { originAccessControlName: accountWideName(this, 'site') }),
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        compress: true,
        responseHeadersPolicy: securityHeaders,
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(props.apiDomainName),
          // A redirect would turn a webhook's POST into a GET; refuse plain HTTP instead.
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: apiCachePolicy,
          functionAssociations: [{ function: apiAccept, eventType: FunctionEventType.VIEWER_REQUEST }],
          // Forwarding the viewer's Host header would make API Gateway answer 403.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          compress: true,
        },
      },
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Pull statistics of public images are meant for anyone, anywhere; there is no country to keep out.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'A WAF web ACL (about $5 a month plus rules) would cost more than the rest of this stack; the HTTP API stage throttling already bounds what abusive traffic can cost.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the minimum viewer TLS version; choosing TLSv1.2_2021 needs a custom domain and ACM certificate.',
      },
    );

    const deployment = new BucketDeployment(this, 'Deploy', {
      sources: [Source.asset(webDist)],
      destinationBucket: site,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      // Deleting the stack empties the site bucket, so the bucket's DESTROY policy can succeed.
      retainOnDelete: false,
      logGroup: new LogGroup(this, 'DeployLogs', {
        retention: RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });

    this.acknowledgeDeploymentHandler(deployment, site);
  }

  // BucketDeployment's handler is a stack-wide singleton Lambda owned by aws-cdk-lib: its runtime, role and
  // grants are not ours to change. Its role's scope is that function, the narrowest place for these findings.
  private acknowledgeDeploymentHandler(deployment: BucketDeployment, site: Bucket): void {
    const handler = deployment.handlerRole.node.scope;
    if (!handler) throw new Error('BucketDeployment handler role has no enclosing function');
    const stack = Stack.of(this);
    const siteLogicalId = stack.getLogicalId(site.node.defaultChild as CfnElement);
    // cdk-nag spells the bootstrap assets bucket the way the template does: concrete where the stack's env is.
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const assetsBucket = `cdk-${stack.synthesizer.bootstrapQualifier}-assets-${account}-${region}`;
    Validations.of(handler).acknowledge(
      {
        id: 'AwsSolutions-L1',
        reason:
          "aws-cdk-lib pins the BucketDeployment handler's Python runtime; it runs only during deployments and moves with aws-cdk-lib upgrades.",
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'The BucketDeployment handler gets the basic execution managed policy from aws-cdk-lib; it only lets the deploy-time function write its logs.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
        reason: 'The handler downloads the web/dist asset zip and reads the current site objects; GetObject* is Bucket.grantRead\'s action set.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        reason: 'Bucket.grantRead adds s3:GetBucket* for the handler, scoped to the CDK assets bucket and the site bucket only.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:List*]',
        reason: 'The handler lists the site bucket to prune files that left web/dist; listing is limited to the assets and site buckets.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        reason: 'Pruning stale dashboard files, and emptying the site bucket when the stack is deleted, needs deletes in the site bucket.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
        reason: 'Large dashboard files upload in parts; s3:Abort* lets the handler clean up a failed multipart upload in the site bucket.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${assetsBucket}/*]`,
        reason: 'The web/dist zip key in the CDK bootstrap assets bucket is a content hash known only at deploy time, hence the object wildcard.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${siteLogicalId}.Arn>/*]`,
        reason: 'The handler writes whatever file names the Vite build produces, so it needs every key of the dashboard site bucket.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'BucketDeployment grants cloudfront:CreateInvalidation and GetInvalidation on * to invalidate /* after each dashboard upload.',
      },
    );
  }
}
