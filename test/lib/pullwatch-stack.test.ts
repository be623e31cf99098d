import { describe, expect, it } from 'vitest';
import { type Acknowledgement, synthesize } from './synth.ts';

// One region-agnostic, one pinned like `AWS_REGION=... cdk synth`: some finding ids spell out the region.
describe.each([
  { store: 'timestream', region: undefined },
  { store: 'dynamodb', region: 'eu-west-1' },
])('the app with the $store store, region $region', ({ store, region }) => {
  const { template, findings, acknowledgements } = synthesize({ context: { store }, region, validateTemplate: true });

  it('publishes the dashboard and API URLs and the store names', () => {
    const outputs = template.toJSON().Outputs;
    expect(Object.keys(outputs).sort()).toEqual([
      'ApiUrl',
      'DashboardUrl',
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
});
