// The store guard: a custom resource that records the series store and fails a deploy that would switch an existing
// stack to the other store without -c allowStoreChange=true (lambdas/store-guard/handler.ts). Whatever holds or
// uses the store depends on it, so a refused deploy stops before any new table or database exists.
import { Aws, CustomResource, Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import type { StoreGuardProperties } from '../lambdas/store-guard/handler.ts';
import { PullwatchFunction } from './lambda-function.ts';
import type { SeriesStoreKind } from './settings.ts';

export interface StoreGuardProps {
  readonly store: SeriesStoreKind;
  readonly allowStoreChange: boolean;
}

export class StoreGuard extends Construct {
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: StoreGuardProps) {
    super(scope, id);
    const fn = new PullwatchFunction(this, 'Function', { handlerName: 'store-guard', timeout: Duration.seconds(30), memoryMiB: 128 });
    // Its own stack only: the store a stack deployed before the guard existed is read from its outputs.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [Aws.STACK_ID] }));
    const properties: StoreGuardProperties = { Store: props.store, AllowStoreChange: String(props.allowStoreChange) };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::PullwatchStoreGuard',
      properties,
    });
  }

  /** Makes every resource under `constructs` wait for the guard's verdict. */
  guard(...constructs: IConstruct[]): void {
    for (const construct of constructs) construct.node.addDependency(this.resource);
  }
}
