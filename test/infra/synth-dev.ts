// The dev stack as `cdk synth` makes it, for tests that read the real template: cdk.json's context (its
// feature flags, such as minimizePolicies), every handler bundled with esbuild, cdk-nag applied.
import { readFileSync } from 'node:fs';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CDK_APP_MODE_CONTEXT } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { DancuStack } from '../../infra/dancu-stack.ts';
import { applyNagChecks } from '../../infra/nag.ts';

/** One synthesis: call it once per test file, it bundles every handler. */
export function synthDevStack(): { stack: DancuStack; template: Template } {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({ context: { ...cdkJson.context, [CDK_APP_MODE_CONTEXT]: 'inmemory' } });
  const stack = new DancuStack(app, 'Dancu-dev', { stage: 'dev' });
  applyNagChecks(app);
  return { stack, template: Template.fromStack(stack) };
}

/** The logical id of a construct's CloudFormation resource. */
export const idOf = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
