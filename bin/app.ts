// CDK app: composes the pullwatch stack from context settings and runs the cdk-nag AWS Solutions checks.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PullwatchStack } from '../lib/pullwatch-stack.ts';
import { stackSettingsFromContext } from '../lib/settings.ts';

const app = new App();
new PullwatchStack(app, 'Pullwatch', {
  ...stackSettingsFromContext(app.node),
  env: { region: process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
