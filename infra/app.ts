import { App } from 'aws-cdk-lib';
import { DancuStack } from './dancu-stack.ts';
import { applyNagChecks } from './nag.ts';
import { stageConfig } from './stages.ts';

const app = new App();

// `cdk synth -c stage=prod`; the stage's settings live in infra/stages.ts (an unknown stage throws, listing them)
const stage: unknown = app.node.tryGetContext('stage') ?? 'dev';
const config = stageConfig(String(stage));

new DancuStack(app, `Dancu-${config.name}`, {
  stage: config.name,
  config,
  // Both unset means an environment-agnostic stack, which is what offline synth needs.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

applyNagChecks(app);
