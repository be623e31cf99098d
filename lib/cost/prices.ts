// Public list prices and always-free allowances the cost estimate (lib/cost-model.ts) uses, each with its pricing page.

/**
 * When the prices below were last compared with public pricing information. Read again on that date (through the
 * search index this machine has; the pricing pages themselves were not reachable): the CloudFront free tier and
 * $0.085/GB, Lambda's Arm/x86 duration prices and free tier, DynamoDB on-demand request prices, SQS $0.40 + 1 M
 * free, CloudWatch Logs $0.50/GB + $0.03/GB-month, Timestream's write/memory/magnetic prices and TCU billing rules.
 * Not re-read, the pages' long-standing figures (and FACTS.md's): the TCU-hour price, HTTP API, Secrets Manager,
 * Scheduler, S3, CloudFront per-request, DynamoDB storage/PITR, metrics and alarms; CloudFront Functions' $0.10 per
 * million and 2 M free invocations come from third-party summaries of that page. Re-check before quoting.
 */
export const PRICES_CHECKED_ON = '2026-11-23';

/** Public on-demand list prices, us-east-1 (CloudFront: United States, Mexico and Canada edges), in USD. */
export const PRICES = {
  // https://aws.amazon.com/lambda/pricing/ : requests; duration per GB-second (first 6 B GB-s on Arm, 6 B on x86).
  // Since 2025-08-01 the INIT phase of on-demand functions is billed as duration too.
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaX86PerGbSecond: 0.0000166667,
  // https://aws.amazon.com/sqs/pricing/ : standard queue, every API action (empty receives included) per 64 KB chunk.
  sqsPerMillionRequests: 0.4,
  // https://aws.amazon.com/eventbridge/pricing/ : EventBridge Scheduler invocations.
  schedulerPerMillionInvocations: 1.0,
  // https://aws.amazon.com/dynamodb/pricing/on-demand/ : on-demand (since the 2024-11-01 price cut), standard table class.
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  dynamodbStoragePerGbMonth: 0.25,
  dynamodbPitrPerGbMonth: 0.2,
  // https://aws.amazon.com/timestream/pricing/ : Timestream for LiveAnalytics. Writes in 1 KiB units; queries in
  // TCU-hours, per second with a 30 s minimum and at least 4 TCU. The TCU-hour figure is FACTS.md's "about $0.52"
  // (a third-party summary gives $0.518); the pricing page itself could not be loaded from this machine.
  timestreamPerMillionWrites: 0.5,
  timestreamMemoryPerGbHour: 0.036,
  timestreamMagneticPerGbMonth: 0.03,
  timestreamPerTcuHour: 0.52,
  // https://aws.amazon.com/api-gateway/pricing/ : HTTP APIs, first 300 M requests a month.
  httpApiPerMillionRequests: 1.0,
  // https://aws.amazon.com/cloudfront/pricing/ : pay-as-you-go, first 10 TB out; HTTPS requests (HTTP is $0.0075).
  cloudfrontPerGbOut: 0.085,
  cloudfrontPer10kHttpsRequests: 0.01,
  // Same page: CloudFront Functions, per invocation (the /api/* viewer-request function).
  cloudfrontFunctionsPerMillionInvocations: 0.1,
  // https://aws.amazon.com/cloudwatch/pricing/ : Logs (standard class; Lambda's vended-log tier starts at the same
  // $0.50), custom metrics (first 10,000), standard-resolution alarms.
  logsIngestPerGb: 0.5,
  logsStoragePerGbMonth: 0.03,
  metricPerMonth: 0.3,
  alarmPerMonth: 0.1,
  // https://aws.amazon.com/secrets-manager/pricing/
  secretPerMonth: 0.4,
  secretsPer10kApiCalls: 0.05,
  // https://aws.amazon.com/s3/pricing/ : S3 Standard.
  s3StoragePerGbMonth: 0.023,
  s3PutPer1000: 0.005,
  s3GetPer1000: 0.0004,
} as const;

export type PriceName = keyof typeof PRICES;

/**
 * The always-free allowances per account and month (not the 12-month offers, nor the credits of the Free plan for
 * accounts created after 2025-07-15). They are shared with everything else in the account: the "you pay" column
 * holds only while nothing else uses them.
 */
export const FREE_TIER = {
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  sqsRequests: 1_000_000,
  schedulerInvocations: 14_000_000,
  dynamodbStorageGb: 25,
  cloudfrontGbOut: 1024,
  cloudfrontRequests: 10_000_000,
  cloudfrontFunctionInvocations: 2_000_000,
  /** Ingestion, storage and Logs Insights scans together. */
  logsGb: 5,
  metrics: 10,
  alarms: 10,
} as const;
