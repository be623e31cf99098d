// The store guard's rule: a deployed stack keeps the series store it was deployed with, unless the deploy says
// otherwise (-c allowStoreChange=true). Switching silently would start the dashboard empty beside the old samples.

export interface StoreChange {
  readonly stackName: string;
  /** The store the deployed stack has; undefined for a stack deployed for the first time. */
  readonly recorded: string | undefined;
  /** The store this deploy builds. */
  readonly requested: string;
  readonly allowStoreChange: boolean;
}

/** Why this deploy must stop, or undefined when it may go on. */
export function storeChangeRefusal(change: StoreChange): string | undefined {
  const { stackName, recorded, requested } = change;
  if (recorded === undefined || recorded === requested || change.allowStoreChange) return undefined;
  return (
    `stack ${stackName} keeps its samples in ${recorded}, and this deploy would switch it to ${requested}: the dashboard ` +
    `would start empty and the ${recorded} data would stay behind, unused. Deploy with -c store=${recorded} ` +
    `(and set "store": "${recorded}" in cdk.json), or pass -c allowStoreChange=true to switch on purpose.`
  );
}
