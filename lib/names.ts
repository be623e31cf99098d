// Names that must be unique in the whole account (CloudFront policies and origin access controls are global):
// the stack name and the region go in, so a second region or a staging stack beside production never collides.
import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** `<stack>-<region>-<suffix>`; in a region-agnostic template the region is resolved at deploy time. */
export function accountWideName(scope: Construct, suffix: string): string {
  const stack = Stack.of(scope);
  return `${stack.stackName}-${stack.region}-${suffix}`;
}
