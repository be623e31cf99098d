import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../lambdas/core/defaults.ts';
import { type RegionEnv, SettingsError, describeSettings, stackSettingsFromContext } from '../../lib/settings.ts';
import { TIMESTREAM_REGIONS } from '../../lib/timestream-regions.ts';

const settings = (context: Record<string, unknown>) => stackSettingsFromContext(new App({ context }).node);

describe('stack settings from context', () => {
  it('defaults to the DynamoDB store in stack Pullwatch, sampled hourly, region-agnostic, refusing store switches', () => {
    expect(settings({})).toEqual({ stackName: 'Pullwatch', store: 'dynamodb', allowStoreChange: false, pollMinutes: 60, retentionDays: 0 });
  });

  it('accepts the Timestream store in a region that has it, and pollMinutes as the CLI passes it, a string', () => {
    expect(settings({ store: 'timestream', region: 'eu-west-1', pollMinutes: '15' })).toMatchObject({ store: 'timestream', region: 'eu-west-1', pollMinutes: 15 });
  });

  it('accepts pollMinutes as cdk.json gives it, a number', () => {
    expect(settings({ pollMinutes: 5 }).pollMinutes).toBe(5);
  });

  it('rejects an unknown store, naming the value', () => {
    expect(() => settings({ store: 'influxdb' })).toThrow('got "influxdb"');
  });

  it.each([0, -5, 1.5, '10m', '', 'abc'])('rejects pollMinutes %j, naming the value', (value) => {
    expect(() => settings({ pollMinutes: value })).toThrow(`"pollMinutes" must be a positive integer (minutes); got ${JSON.stringify(value)}`);
  });
});

describe('Docker Hub secret setting', () => {
  it('is absent unless given, and accepts a secret name or ARN', () => {
    expect(settings({})).not.toHaveProperty('dockerhubSecret');
    expect(settings({ dockerhubSecret: 'pullwatch/dockerhub' }).dockerhubSecret).toBe('pullwatch/dockerhub');
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:pullwatch/dockerhub-AbCdEf';
    expect(settings({ dockerhubSecret: arn }).dockerhubSecret).toBe(arn);
  });

  it('rejects a value that is no secret name, naming it', () => {
    expect(() => settings({ dockerhubSecret: 'has spaces in it' })).toThrow('got "has spaces in it"');
    expect(settings({ githubSecret: 'pullwatch/github' }).githubSecret).toBe('pullwatch/github');
    expect(() => settings({ githubSecret: 'has spaces' })).toThrow('Context "githubSecret" must be a Secrets Manager secret name or ARN');
    expect(settings({ githubApiUrl: 'https://ghe.example.com/api/v3/' }).githubApiUrl).toBe('https://ghe.example.com/api/v3');
    expect(() => settings({ githubApiUrl: 'http://ghe.example.com' })).toThrow('must be an https URL');
  });
});

describe('retention setting', () => {
  it('keeps samples forever by default and takes whole days as the CLI or cdk.json gives them', () => {
    expect(settings({}).retentionDays).toBe(0);
    expect(settings({ retentionDays: '400' }).retentionDays).toBe(400);
    expect(settings({ retentionDays: 90 }).retentionDays).toBe(90);
  });

  it.each([-1, 1.5, '30d', 80_000])('rejects retentionDays %j, naming the value', (value) => {
    expect(() => settings({ retentionDays: value })).toThrow(`got ${JSON.stringify(value)}`);
  });
});

describe('webhook repository cap setting', () => {
  it('is absent unless given (the function then uses its default), and takes a whole number as the CLI or cdk.json gives it', () => {
    expect(settings({})).not.toHaveProperty('ingestMaxRepositories');
    expect(settings({ ingestMaxRepositories: '500' }).ingestMaxRepositories).toBe(500);
    expect(settings({ ingestMaxRepositories: 50 }).ingestMaxRepositories).toBe(50);
  });

  it.each([0, -1, 2.5, 'many'])('rejects ingestMaxRepositories %j, naming the value', (value) => {
    expect(() => settings({ ingestMaxRepositories: value })).toThrow(`"ingestMaxRepositories" must be a whole number of repositories, at least 1; got ${JSON.stringify(value)}`);
  });
});

describe('stack name setting', () => {
  it('defaults to the one the repos CLI looks for, and takes another for a second instance', () => {
    expect(settings({}).stackName).toBe(DEFAULTS.stackName);
    expect(settings({ stackName: 'PullwatchStaging' }).stackName).toBe('PullwatchStaging');
  });

  it.each(['1stack', 'has_underscore', 'with space', 'x'.repeat(41), 42])('rejects stackName %j, naming the value', (value) => {
    expect(() => settings({ stackName: value })).toThrow(`"stackName" must start with a letter and hold only letters, digits and hyphens, at most 40 characters; got ${JSON.stringify(value)}`);
  });
});

describe('region', () => {
  const withEnv = (context: Record<string, unknown>, env: RegionEnv) => stackSettingsFromContext(new App({ context }).node, env);

  it('comes from -c region first, then the CLI (CDK_DEFAULT_REGION), then AWS_REGION', () => {
    expect(withEnv({ region: 'eu-west-1' }, { CDK_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-west-2' }).region).toBe('eu-west-1');
    expect(withEnv({}, { CDK_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-west-2' }).region).toBe('us-east-1');
    expect(withEnv({}, { AWS_REGION: 'us-west-2' }).region).toBe('us-west-2');
  });

  it('is absent with none of them: the DynamoDB template is then region-agnostic', () => {
    expect(withEnv({}, {})).not.toHaveProperty('region');
  });

  it('rejects a value that is no region, naming it', () => {
    expect(() => settings({ region: 'Europe' })).toThrow('"region" must be an AWS region such as eu-west-1; got "Europe"');
  });
});

describe('Timestream region check', () => {
  it.each(TIMESTREAM_REGIONS)('lets store=timestream build in %s', (region) => {
    expect(settings({ store: 'timestream', region }).store).toBe('timestream');
  });

  it.each(['sa-east-1', 'ca-central-1', 'af-south-1', 'eu-west-2'])('refuses store=timestream in %s, naming the region and the alternative', (region) => {
    expect(() => settings({ store: 'timestream', region })).toThrow(`Timestream for LiveAnalytics does not exist in ${region}`);
    expect(() => settings({ store: 'timestream', region })).toThrow('deploy with -c store=dynamodb there');
    // bin/app.ts prints a SettingsError as one line instead of a stack trace.
    expect(() => settings({ store: 'timestream', region })).toThrow(SettingsError);
  });

  it('refuses store=timestream without a region, saying how to give one', () => {
    expect(() => settings({ store: 'timestream' })).toThrow('store=timestream needs the region at synth');
    expect(() => settings({ store: 'timestream' })).toThrow('-c region=<region>');
  });

  it('lets the DynamoDB store build in regions without Timestream', () => {
    expect(settings({ store: 'dynamodb', region: 'sa-east-1' }).region).toBe('sa-east-1');
  });
});

describe('store switch setting and the synth line', () => {
  it('refuses switches unless allowStoreChange is true, as the CLI (a string) or cdk.json (a boolean) gives it', () => {
    expect(settings({ allowStoreChange: 'true' }).allowStoreChange).toBe(true);
    expect(settings({ allowStoreChange: true }).allowStoreChange).toBe(true);
    expect(settings({ allowStoreChange: 'false' }).allowStoreChange).toBe(false);
    expect(() => settings({ allowStoreChange: 'yes' })).toThrow('"allowStoreChange" must be true or false; got "yes"');
  });

  it('names the stack, the region and the store in one line', () => {
    expect(describeSettings(settings({ store: 'timestream', region: 'us-east-1', stackName: 'PullwatchStaging' }))).toBe(
      'pullwatch: stack PullwatchStaging in us-east-1, series store: timestream',
    );
    const line = describeSettings(settings({ allowStoreChange: 'true' }));
    expect(line).toBe('pullwatch: stack Pullwatch in any region (region-agnostic template), series store: dynamodb; allowStoreChange=true: a deployed stack may switch stores');
    expect(line).not.toContain('\n');
  });
});
