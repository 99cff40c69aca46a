import { App } from 'aws-cdk-lib';
import { DancuStack } from './dancu-stack.ts';
import { applyNagChecks } from './nag.ts';

const app = new App();

const stage: unknown = app.node.tryGetContext('stage') ?? 'dev';
// The stage becomes part of the stack name and resource names, so keep it short and DNS-safe.
if (typeof stage !== 'string' || !/^[a-z][a-z0-9]{1,15}$/.test(stage)) {
  throw new Error(`context "stage" must be 2-16 lower-case letters or digits, got ${JSON.stringify(stage)}`);
}

new DancuStack(app, `Dancu-${stage}`, {
  stage,
  // Both unset means an environment-agnostic stack, which is what offline synth needs.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

applyNagChecks(app);
