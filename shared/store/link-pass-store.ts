// The link passes in the batches table: one item per pass, which records what each step of it has done, so that the
// step that finishes a stage (and only that one) starts the next, and the item that lets one pass run at a time.
// The adapter of the LinkPasses port (keys: shared/keys.ts).
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { batchKeys } from '../keys.ts';
import {
  type LinkPass,
  newLinkPass,
  type PassSizes,
  type PassStage,
  STAGE_DONE,
  type StepDone,
} from '../model/link-pass.ts';
import type { LinkPasses } from '../model/ports.ts';
import { addToSet, landed } from './conditions.ts';
import { type Lease, leaseHolder, releaseLease, takeLease } from './lease.ts';

const passKey = batchKeys.linkPass;

function toPass(item: Record<string, unknown>): LinkPass {
  const { pk: _pk, sk: _sk, started, sent, ...pass } = item;
  return {
    ...(pass as unknown as LinkPass),
    started: started ? [...(started as Set<PassStage>)] : [],
    sent: sent ? [...(sent as Set<PassStage>)] : [],
  };
}

export class LinkPassStore implements LinkPasses {
  constructor(private readonly table: string) {}

  /** which pass runs now: one at a time (a pass reads the whole register; two would do it twice) */
  private current = (): Lease => ({
    table: this.table,
    key: batchKeys.currentPass,
    holder: 'passId',
    until: 'until',
  });

  /** Creates the pass unless it exists: true when this call created it. */
  create(passId: string, sizes: PassSizes): Promise<boolean> {
    // the stages started and sent are string sets, which DynamoDB stores only once they hold a stage
    const { started: _started, sent: _sent, ...pass } = newLinkPass(passId, sizes, new Date().toISOString());
    return landed(
      documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...passKey(passId), ...pass },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async get(passId: string): Promise<LinkPass | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: passKey(passId), ConsistentRead: true }),
    );
    return Item ? toPass(Item) : undefined;
  }

  /** Records that one step of a stage is done (a redelivery writes the same entry again); the pass after it. */
  async stepDone(passId: string, stage: PassStage, step: number, result: StepDone): Promise<LinkPass> {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: passKey(passId),
        UpdateExpression: 'SET #done.#step = :result',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#done': STAGE_DONE[stage], '#step': String(step) },
        ExpressionAttributeValues: { ':result': result },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toPass(Attributes ?? {});
  }

  /** Marks a stage's messages as sent: true for the one caller that marks it first. */
  claimStage(passId: string, stage: PassStage): Promise<boolean> {
    return landed(
      documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: passKey(passId),
          UpdateExpression: 'ADD started :stage',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(started, :name)',
          ExpressionAttributeValues: { ':stage': new Set([stage]), ':name': stage },
        }),
      ),
    );
  }

  /** Records that a stage's messages are all sent. */
  async markSent(passId: string, stage: PassStage): Promise<void> {
    await addToSet(this.table, passKey(passId), 'sent', stage);
  }

  /**
   * Makes `passId` the pass that runs, until `until` (epoch ms): true when no other pass runs, or the one that did
   * has let go or outlived its time (a pass stuck in its dead-letter queue must not keep every later one out).
   */
  takeCurrent(passId: string, now: number, until: number): Promise<boolean> {
    return takeLease(this.current(), passId, until, { now, reentrant: true });
  }

  /** The pass that runs now, if any (`npm run rekey` waits for it: its work files hold person keys). */
  running(now = Date.now()): Promise<string | undefined> {
    return leaseHolder(this.current(), now);
  }

  /**
   * The pass is done: marked so, and the next one may start. True for the call that marked it (a redelivered last
   * step finds it done already).
   */
  async finish(passId: string): Promise<boolean> {
    const first = await landed(
      documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: passKey(passId),
          UpdateExpression: 'SET #status = :done, finishedAt = :now',
          ConditionExpression: '#status <> :done',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':done': 'done', ':now': new Date().toISOString() },
        }),
      ),
    );
    // unless another pass runs now (this one had outlived its time)
    await releaseLease(this.current(), passId);
    return first;
  }
}
