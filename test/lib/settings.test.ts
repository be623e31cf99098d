import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { stackSettingsFromContext } from '../../lib/settings.ts';

const settings = (context: Record<string, unknown>) => stackSettingsFromContext(new App({ context }).node);

describe('stack settings from context', () => {
  it('defaults to Timestream, sampled hourly', () => {
    expect(settings({})).toEqual({ store: 'timestream', pollMinutes: 60 });
  });

  it('accepts the DynamoDB store and pollMinutes as the CLI passes it, a string', () => {
    expect(settings({ store: 'dynamodb', pollMinutes: '15' })).toEqual({ store: 'dynamodb', pollMinutes: 15 });
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
