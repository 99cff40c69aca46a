import { App, type CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { CDK_APP_MODE_CONTEXT } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { PersonKeySecret } from '../../../infra/constructs/person-key-secret.ts';
import { applyNagChecks } from '../../../infra/nag.ts';

// In-memory mode makes a failed validation (a cdk-nag finding left unacknowledged) throw.
const inMemory = { [CDK_APP_MODE_CONTEXT]: 'inmemory' };

function synth(removalPolicy: RemovalPolicy) {
  const app = new App({ context: inMemory });
  const stack = new Stack(app, 'PersonKeySecretTest');
  const personKey = new PersonKeySecret(stack, 'PersonKeySecret', {
    stageName: 'test',
    prefix: 'dancu-test',
    removalPolicy,
  });
  applyNagChecks(app);
  return { app, personKey, template: Template.fromStack(stack) };
}

const idOf = (construct: IConstruct) =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

describe('PersonKeySecret', () => {
  const { app, personKey, template } = synth(RemovalPolicy.DESTROY);
  const retained = synth(RemovalPolicy.RETAIN);
  const secret = template.toJSON().Resources[idOf(personKey.secret)];

  it('generates {"version":1,"secret":…}, 64 letters and digits', () => {
    expect(secret.Properties.GenerateSecretString).toEqual({
      SecretStringTemplate: JSON.stringify({ version: 1 }),
      GenerateStringKey: 'secret',
      PasswordLength: 64,
      ExcludePunctuation: true,
      IncludeSpace: false,
    });
  });

  it('encrypts it with a key of its own, rotated yearly, under the stage’s alias', () => {
    expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [idOf(personKey.key), 'Arn'] });
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      RotationPeriodInDays: 365,
      PendingWindowInDays: 30,
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/dancu-test/person-keys' });
  });

  it('retains the secret whatever the stage, and its key as the stage retains data', () => {
    for (const t of [template, retained.template]) {
      t.hasResource('AWS::SecretsManager::Secret', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    retained.template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('acknowledges AwsSolutions-SMG4 (no automatic rotation) with its reason, and nothing else', () => {
    expect(secret.Metadata.cdk_nag.rules_to_suppress).toEqual([
      { id: 'AwsSolutions-SMG4', reason: expect.stringMatching(/re-keys the whole register.*npm run rekey/) },
    ]);
    // Template.fromStack above would have thrown on a finding; synthesising again must not either.
    expect(() => app.synth({ force: true })).not.toThrow();
  });

  it('would fail cdk-nag without that acknowledgement', () => {
    const plain = new App({ context: inMemory });
    const stack = new Stack(plain, 'PlainSecret');
    new Secret(stack, 'Secret', { encryptionKey: new Key(stack, 'Key', { enableKeyRotation: true }) });
    applyNagChecks(plain);
    expect(() => plain.synth()).toThrow(/AwsSolutions-SMG4\b/);
  });
});
