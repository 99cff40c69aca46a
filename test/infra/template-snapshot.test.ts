// The synthesised template of each stage, normalised (no asset hashes), kept in test/infra/snapshots/: a change
// to the stack shows up as a diff to review. After a reviewed change: `npx vitest run test/infra/template-snapshot -u`.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS, CDK_APP_MODE_CONTEXT } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { DancuStack } from '../../infra/dancu-stack.ts';
import { applyNagChecks } from '../../infra/nag.ts';
import { STAGE_NAMES } from '../../infra/stages.ts';

/** The template with what changes on every code edit (asset hashes) replaced by a placeholder. */
function normalisedTemplate(stage: string): string {
  const app = new App({ context: { [CDK_APP_MODE_CONTEXT]: 'inmemory', [BUNDLING_STACKS]: [] } });
  const stack = new DancuStack(app, `Dancu-${stage}`, { stage });
  applyNagChecks(app);
  const json = JSON.stringify(Template.fromStack(stack).toJSON(), null, 2);
  return `${json.replace(/[0-9a-f]{64}/g, '<asset-hash>')}\n`;
}

describe('synthesised template', () => {
  it.each(STAGE_NAMES)('of %s matches the reviewed snapshot', async (stage) => {
    await expect(normalisedTemplate(stage)).toMatchFileSnapshot(`snapshots/Dancu-${stage}.template.json`);
  });
});
