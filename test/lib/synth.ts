// Synthesizes the whole pullwatch app the way bin/app.ts does, in a throw-away outdir, and returns what tests assert on.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PullwatchFunction } from '../../lib/lambda-function.ts';
import { PullwatchStack } from '../../lib/pullwatch-stack.ts';
import { stackSettingsFromContext } from '../../lib/settings.ts';

export interface SynthOptions {
  /** CDK context, as `-c key=value` would give it. */
  readonly context?: Record<string, unknown>;
  /** As bin/app.ts takes it from `-c region=` or AWS_REGION; omitted, the stack is region-agnostic (DynamoDB store only). */
  readonly region?: string;
  /** Run esbuild for the functions (seconds) instead of skipping bundling (tenths of a second). */
  readonly bundle?: boolean;
  /** Also run aws-cdk-lib's built-in CloudFormation template validation, as `cdk synth` does (about 3 s on first use). */
  readonly validateTemplate?: boolean;
  /** With `bundle`: copy each function's index.mjs here as `<handler name>.mjs` before the outdir goes. */
  readonly copyBundlesTo?: string;
}

/** A finding a validation plugin (cdk-nag, CloudFormation validation) reported and nobody acknowledged. */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly paths: string[];
}

export interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

export interface Synthesis {
  /** The CloudFormation stack name, as `cdk deploy` would create it. */
  readonly stackName: string;
  readonly template: Template;
  readonly findings: Finding[];
  readonly acknowledgements: Acknowledgement[];
  /** With `bundle`: per function construct path, the files of its code asset and their sizes in bytes. */
  readonly bundles: Record<string, Record<string, number>>;
}

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

export function synthesize(options: SynthOptions = {}): Synthesis {
  const outdir = mkdtempSync(join(tmpdir(), 'pullwatch-synth-'));
  try {
    const context = {
      ...(!options.bundle && { 'aws:cdk:bundling-stacks': [] }),
      ...(options.region && { region: options.region }),
      ...options.context,
    };
    const app = new App({ outdir, context, builtinCloudFormationValidation: options.validateTemplate ?? false });
    // No environment variables: the region is the option's alone, whatever AWS_REGION the test run has.
    const settings = stackSettingsFromContext(app.node, {});
    const stack = new PullwatchStack(app, settings.stackName, { ...settings, env: { region: settings.region } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    // Throws, with the report in the message, when any plugin reports an error.
    const assembly = app.synth();

    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
    const findings = report.pluginReports.flatMap((plugin) =>
      plugin.violations.map((v) => ({
        plugin: plugin.pluginName,
        rule: v.ruleName,
        severity: v.severity,
        paths: v.violatingConstructs.map((c) => c.constructPath),
      })),
    );

    const acknowledgements = app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
        .map(([id, reason]) => ({ path: construct.node.path, id, reason })),
    );

    const bundles: Record<string, Record<string, number>> = {};
    const functions = options.bundle ? stack.node.findAll().filter((c) => c instanceof PullwatchFunction) : [];
    for (const fn of functions) {
      const assetDir = join(assembly.directory, (fn.node.findChild('Code') as Asset).assetPath);
      bundles[fn.node.path] = Object.fromEntries(
        readdirSync(assetDir).map((file) => [file, statSync(join(assetDir, file)).size]),
      );
      if (options.copyBundlesTo) copyFileSync(join(assetDir, 'index.mjs'), join(options.copyBundlesTo, `${fn.handlerName}.mjs`));
    }

    const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template);
    return { stackName: stack.stackName, template, findings, acknowledgements, bundles };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The logical id of the one resource of `type` whose id starts with `prefix` (the construct path without slashes). */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${JSON.stringify(ids)}`);
  return ids[0]!;
}

export interface PolicyStatement {
  readonly actions: string[];
  /** The resources as the template spells them (strings, Ref, Fn::GetAtt, Fn::Join). */
  readonly resources: unknown[];
}

/** The Allow statements of every policy attached to the role of the function `functionLogicalId`. */
export function functionPermissions(template: Template, functionLogicalId: string): PolicyStatement[] {
  const resources = template.toJSON().Resources;
  const role = { Ref: resources[functionLogicalId].Properties.Role['Fn::GetAtt'][0] };
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(role)),
  );
  return policies.flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as { Effect: string; Action: string | string[]; Resource: unknown }[])
      .filter((statement) => statement.Effect === 'Allow')
      .map((statement) => ({ actions: [statement.Action].flat(), resources: [statement.Resource].flat() })),
  );
}
