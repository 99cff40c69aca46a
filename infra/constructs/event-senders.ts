import { Stack, Tags } from 'aws-cdk-lib';
import {
  AccountRootPrincipal,
  ArnPrincipal,
  CompositePrincipal,
  type IPrincipal,
  PolicyStatement,
  Role,
} from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../stages.ts';

export interface EventSenderRolesProps {
  readonly stage: StageConfig;
  /** the queues senders send to (procedure events, births), each with its key: SSE-KMS needs a data key to send */
  readonly queues: readonly { queue: IQueue; key?: IKey | undefined }[];
}

/**
 * One IAM role per event sender of the stage, named `{prefix}-events-{name}`, allowed only to send to the
 * procedure-events and birth-registrations queues. The status and births functions admit a role's events only for its
 * agencies (`senders()`), so a sender cannot act for another agency (docs/procedures.md, "Events bound to their
 * sender"; docs/ids.md).
 */
export class EventSenderRoles extends Construct {
  readonly roles: Record<string, Role>;
  private readonly agencyCodes: Record<string, string[]>;

  constructor(scope: Construct, id: string, { stage, queues }: EventSenderRolesProps) {
    super(scope, id);
    this.roles = {};
    this.agencyCodes = {};
    for (const sender of stage.eventSenders) {
      const trusted: IPrincipal[] =
        sender.trustedPrincipals.length > 0
          ? sender.trustedPrincipals.map((arn) => new ArnPrincipal(arn))
          : [new AccountRootPrincipal()];
      const role = new Role(this, sender.name, {
        roleName: `${stage.prefix}-events-${sender.name}`,
        // IAM descriptions take Latin-1 only: the unit's Vietnamese name is in infra/stages.ts
        description: `dancu ${stage.name}: procedure events and births of ${sender.name}`,
        assumedBy: trusted.length === 1 ? (trusted[0] as IPrincipal) : new CompositePrincipal(...trusted),
      });
      Tags.of(role).add('eventSender', sender.name);
      // SendMessage only (SendMessageBatch is authorised by it), not grantSendMessages' kms:ReEncrypt* and the like
      role.addToPolicy(
        new PolicyStatement({
          actions: ['sqs:SendMessage'],
          resources: queues.map(({ queue }) => queue.queueArn),
        }),
      );
      const keys = queues.flatMap(({ key }) => (key ? [key.keyArn] : []));
      if (keys.length > 0) {
        role.addToPolicy(
          new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: keys }),
        );
      }
      this.roles[sender.name] = role;
      this.agencyCodes[sender.name] = sender.agencyCodes;
    }
  }

  /** Role unique id (the `AROA…` of an SQS `SenderId` `AROA…:session`) → agency codes, for the status function. */
  senders(): string {
    const map = Object.fromEntries(
      Object.entries(this.roles).map(([name, role]) => [role.roleId, this.agencyCodes[name] ?? []]),
    );
    return Stack.of(this).toJsonString(map);
  }
}
