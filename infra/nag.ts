import { type Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * Runs the AWS Solutions rules when `scope` synthesises. cdk-nag reports any finding (warning or error)
 * as a failed validation, so synthesis fails until each finding is fixed or acknowledged with
 * `Validations.of(resource).acknowledge({ id, reason })`.
 */
export function applyNagChecks(scope: Stage): void {
  // Acknowledgements are copied into the template metadata so an auditor sees them next to the resource.
  Validations.of(scope).addPlugins(
    new AwsSolutionsChecks(scope, { writeSuppressionsToCloudFormation: true }),
  );
}
