// CDK app: composes the pullwatch stack from context settings and runs the cdk-nag AWS Solutions checks.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PullwatchStack } from '../lib/pullwatch-stack.ts';
import { SettingsError, type StackSettings, describeSettings, stackSettingsFromContext } from '../lib/settings.ts';

const app = new App();
// The region: `-c region=`, else the CLI's (CDK_DEFAULT_REGION from the profile) or AWS_REGION; with none the
// template is region-agnostic, which only the DynamoDB store allows (the Timestream check needs to know the region).
let settings: StackSettings;
try {
  settings = stackSettingsFromContext(app.node, process.env);
} catch (error) {
  // One line a person can act on, not a stack trace through the CDK CLI.
  if (!(error instanceof SettingsError)) throw error;
  console.error(`pullwatch: ${error.message}`);
  process.exit(1);
}
console.error(describeSettings(settings));
new PullwatchStack(app, settings.stackName, { ...settings, env: { region: settings.region } });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
