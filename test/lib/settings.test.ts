import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { stackSettingsFromContext } from '../../lib/settings.ts';

const settings = (context: Record<string, unknown>) => stackSettingsFromContext(new App({ context }).node);

describe('stack settings from context', () => {
  it('defaults to Timestream, sampled hourly', () => {
    expect(settings({})).toEqual({ store: 'timestream', pollMinutes: 60, retentionDays: 0 });
  });

  it('accepts the DynamoDB store and pollMinutes as the CLI passes it, a string', () => {
    expect(settings({ store: 'dynamodb', pollMinutes: '15' })).toEqual({ store: 'dynamodb', pollMinutes: 15, retentionDays: 0 });
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
