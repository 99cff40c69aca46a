import { App } from 'aws-cdk-lib';
import { DancuStack } from './dancu-stack.ts';
import { applyNagChecks } from './nag.ts';
import { stageConfig } from './stages.ts';
import { DancuWafStack } from './waf-stack.ts';

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

// CloudFront-scope web ACLs exist only in us-east-1; deployed first, its ARN then goes into infra/stages.ts
if (config.http.waf.enabled) {
  new DancuWafStack(app, `DancuWaf-${config.name}`, {
    stage: config,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' },
  });
}

applyNagChecks(app);
