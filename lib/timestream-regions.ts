// Where Timestream for LiveAnalytics exists: the one list the synth-time region check reads.

/**
 * The regions whose CloudFormation registry has AWS::Timestream::Database and AWS::Timestream::Table, as
 * cfn-lint 1.51's provider schemas list them (its rule E3006 flags the type anywhere else, e.g. sa-east-1,
 * ca-central-1, af-south-1; FACTS.md). The isolated partitions are left out: the stack's CloudFront is not there.
 */
export const TIMESTREAM_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'us-gov-west-1',
  'eu-west-1',
  'eu-central-1',
  'ap-northeast-1',
  'ap-south-1',
  'ap-southeast-2',
];

export const TIMESTREAM_REGIONS_SOURCE = "cfn-lint's E3006 region data";
