import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type CfnSecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface PersonKeySecretProps {
  /** the stage's name and prefix (infra/stages.ts), for the key's description and alias */
  readonly stageName: string;
  readonly prefix: string;
  /** the key's, as the data keys': retained where the stage retains data */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The secret the register's person keys are an HMAC under (issue 16), `{"version":1,"secret":"…"}`, encrypted with a
 * key of its own, so that only a role granted both (the register function: infra/access.ts) can read it.
 */
export class PersonKeySecret extends Construct {
  readonly key: Key;
  readonly secret: Secret;

  constructor(scope: Construct, id: string, { stageName, prefix, removalPolicy }: PersonKeySecretProps) {
    super(scope, id);
    // a key of its own: a grant on a data key must not be enough to read the secret
    this.key = new Key(this, 'Key', {
      description: `dancu ${stageName}: the person-key secret`,
      alias: `alias/${prefix}/person-keys`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy,
      pendingWindow: Duration.days(30),
    });
    this.secret = new Secret(this, 'Secret', {
      description: `dancu ${stageName}: the secret the register's person keys are an HMAC under`,
      encryptionKey: this.key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ version: 1 }),
        generateStringKey: 'secret',
        passwordLength: 64,
        excludePunctuation: true,
        includeSpace: false,
      },
      // in every stage: losing the secret unlinks every person key written under it from its person
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret.node.defaultChild as CfnSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the secret re-keys the whole register: a planned operation (npm run rekey, docs/operations.md), never an automatic one.',
    });
  }
}
