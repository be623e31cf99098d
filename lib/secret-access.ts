// Reading a secret's value, the one Secrets Manager call the functions make (DescribeSecret, which grantRead adds, is not).
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';

export function grantSecretValue(secret: ISecret, grantee: IGrantable): void {
  // A secret named without its ARN's random six-character suffix matches any suffix, as grantRead does.
  const arn = secret.secretFullArn ?? `${secret.secretArn}-??????`;
  Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [arn] });
}
