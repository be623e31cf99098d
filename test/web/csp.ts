// The Content-Security-Policy CloudFront sends with the dashboard, read from the synthesized Dashboard construct, so the
// browser tests hold the page to the header that is really deployed (lib/dashboard.ts), not to a copy of it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Dashboard } from '../../lib/dashboard.ts';

export function deployedContentSecurityPolicy(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'pullwatch-csp-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'CspProbe');
    new Dashboard(stack, 'Dashboard', { apiDomainName: 'api.example.com' });
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const csp = policies.map((policy) => policy.Properties?.ResponseHeadersPolicyConfig?.SecurityHeadersConfig?.ContentSecurityPolicy?.ContentSecurityPolicy as unknown);
    if (policies.length !== 1 || typeof csp[0] !== 'string') throw new Error(`expected one response headers policy with a CSP, found ${JSON.stringify(csp)}`);
    return csp[0];
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
