// The link passes in the batches table: one item per pass (`PASS#{passId}`), which records what each step of it has
// done, so that the step that finishes a stage (and only that one) starts the next. The only module that knows
// this item's keys and expressions.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/clients.ts';
import { isConditionFailure } from './conditions.ts';

export type PassStage = 'scan' | 'group' | 'decide';

/** What a scan segment did: the parts it wrote per partition (0 … parts − 1) and the persons it read. */
export interface ScanDone {
  parts: number;
  persons: number;
}
export interface GroupDone {
  lines: number;
  candidates: number;
}
export interface DecideDone {
  merged: number;
  reviews: number;
  unchanged: number;
}

export interface LinkPass {
  passId: string;
  segments: number;
  partitions: number;
  /** decide steps: each person's candidates from every partition meet in one of these */
  deciders: number;
  startedAt: string;
  finishedAt?: string;
  status: 'running' | 'done';
  scanned: Record<string, ScanDone>;
  grouped: Record<string, GroupDone>;
  decided: Record<string, DecideDone>;
  /** the stages a step has taken on to start (claimStage): only one does */
  started: PassStage[];
  /** the stages whose messages are sent: a stage started but not sent was interrupted, and is sent again */
  sent: PassStage[];
}

const passKey = (passId: string) => ({ pk: `PASS#${passId}`, sk: 'PASS' });
/** Which pass runs now: one at a time (a pass reads the whole register; two would do it twice). */
const CURRENT = { pk: 'PASS#CURRENT', sk: 'PASS' };
const DONE_MAP: Record<PassStage, keyof LinkPass> = { scan: 'scanned', group: 'grouped', decide: 'decided' };

function toPass(item: Record<string, unknown>): LinkPass {
  const { pk: _pk, sk: _sk, started, sent, ...pass } = item;
  return {
    ...(pass as unknown as LinkPass),
    started: started ? [...(started as Set<PassStage>)] : [],
    sent: sent ? [...(sent as Set<PassStage>)] : [],
  };
}

export class LinkPassStore {
  constructor(private readonly table: string) {}

  /** Creates the pass unless it exists: true when this call created it. */
  async create(
    passId: string,
    sizes: { segments: number; partitions: number; deciders: number },
  ): Promise<boolean> {
    try {
      await documents.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...passKey(passId),
            passId,
            ...sizes,
            status: 'running',
            startedAt: new Date().toISOString(),
            scanned: {},
            grouped: {},
            decided: {},
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(passId: string): Promise<LinkPass | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: passKey(passId), ConsistentRead: true }),
    );
    return Item ? toPass(Item) : undefined;
  }

  /** Records that one step of a stage is done (a redelivery writes the same entry again); the pass after it. */
  async stepDone(
    passId: string,
    stage: PassStage,
    step: number,
    result: ScanDone | GroupDone | DecideDone,
  ): Promise<LinkPass> {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: passKey(passId),
        UpdateExpression: 'SET #done.#step = :result',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#done': DONE_MAP[stage], '#step': String(step) },
        ExpressionAttributeValues: { ':result': result },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toPass(Attributes ?? {});
  }

  /** Marks a stage's messages as sent: true for the one caller that marks it first. */
  async claimStage(passId: string, stage: PassStage): Promise<boolean> {
    try {
      await documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: passKey(passId),
          UpdateExpression: 'ADD started :stage',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(started, :name)',
          ExpressionAttributeValues: { ':stage': new Set([stage]), ':name': stage },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Records that a stage's messages are all sent. */
  async markSent(passId: string, stage: PassStage): Promise<void> {
    await documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: passKey(passId),
        UpdateExpression: 'ADD sent :stage',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':stage': new Set([stage]) },
      }),
    );
  }

  /**
   * Makes `passId` the pass that runs, until `until` (epoch ms): true when no other pass runs, or the one that did
   * has let go or outlived its time (a pass stuck in its dead-letter queue must not keep every later one out).
   */
  async takeCurrent(passId: string, now: number, until: number): Promise<boolean> {
    try {
      await documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...CURRENT, passId, until },
          ConditionExpression: 'attribute_not_exists(pk) OR passId = :passId OR #until < :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':passId': passId, ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * The pass is done: marked so, and the next one may start. True for the call that marked it (a redelivered last
   * step finds it done already).
   */
  async finish(passId: string): Promise<boolean> {
    let first = true;
    await documents
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: passKey(passId),
          UpdateExpression: 'SET #status = :done, finishedAt = :now',
          ConditionExpression: '#status <> :done',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':done': 'done', ':now': new Date().toISOString() },
        }),
      )
      .catch((error) => {
        if (!isConditionFailure(error)) throw error;
        first = false;
      });
    await documents
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: CURRENT,
          UpdateExpression: 'SET #until = :zero',
          ConditionExpression: 'passId = :passId',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':zero': 0, ':passId': passId },
        }),
      )
      .catch((error) => {
        // another pass runs now (this one had outlived its time): leave it be
        if (!isConditionFailure(error)) throw error;
      });
    return first;
  }
}
