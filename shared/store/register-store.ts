// The register table: one item per person (`PERSON`), the history of what each update changed
// (`HIST#…`) and conflicts waiting for review (`CONFLICT#…`). The only module that knows its keys.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PopulationRecord } from '#domain/record.ts';
import { documents, dynamodb } from '../aws/clients.ts';
import { isConditionFailure } from './conditions.ts';
import { packRecord, unpackRecord } from './person-record.ts';

export interface HeldPerson {
  record: PopulationRecord;
  version: number;
  /** `batchId#row:outcome` for the latest rows that touched this person, newest last */
  applied: string[];
}

/** Where a row came from: the batch and its data row number. */
export interface RowOrigin {
  batchId: string;
  row: number;
  agencyCode: string;
}

const personKey = (key: string) => ({ pk: key, sk: 'PERSON' });
/** Enough to recognise a redelivered row across the few batches that touch a person at once. */
const APPLIED_KEPT = 16;

export const appliedTag = (origin: RowOrigin) => `${origin.batchId}#${origin.row}`;

export class RegisterStore {
  constructor(private readonly table: string) {}

  /** Stores a person seen for the first time; false when the key is already held. */
  async createPerson(key: string, record: PopulationRecord, origin: RowOrigin): Promise<boolean> {
    try {
      // the one write of almost every row: attribute values written out, since the document client's
      // marshalling was a tenth of the register's own CPU per row (bench/ingest --profile)
      await dynamodb.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: { S: key },
            sk: { S: 'PERSON' },
            record: { S: packRecord(record) },
            version: { N: '1' },
            applied: { L: [{ S: `${appliedTag(origin)}:new` }] },
            agencyCode: { S: origin.agencyCode },
            updatedAt: { S: new Date().toISOString() },
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

  async getPerson(key: string): Promise<HeldPerson | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: personKey(key), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      record: unpackRecord(Item.record as string | Uint8Array),
      version: Item.version as number,
      applied: (Item.applied as string[]) ?? [],
    };
  }

  /**
   * Records a row's outcome on the person (and, for an update, the merged record), if nobody has changed
   * the person since `held` was read; false when somebody has, and the caller must read again.
   */
  async recordOutcome(
    key: string,
    held: HeldPerson,
    entry: string,
    merged?: PopulationRecord,
  ): Promise<boolean> {
    const applied = [...held.applied, entry].slice(-APPLIED_KEPT);
    try {
      await documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: personKey(key),
          UpdateExpression: `SET applied = :applied, version = :next, updatedAt = :now${merged ? ', #record = :record' : ''}`,
          ConditionExpression: 'version = :version',
          ExpressionAttributeNames: merged ? { '#record': 'record' } : undefined,
          ExpressionAttributeValues: {
            ':applied': applied,
            ':next': held.version + 1,
            ':version': held.version,
            ':now': new Date().toISOString(),
            ...(merged ? { ':record': packRecord(merged) } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** What an update changed, and which batch and row said so (idempotent: one item per row). */
  async putHistory(
    key: string,
    origin: RowOrigin,
    changes: Record<string, { from?: unknown; to: unknown }>,
  ): Promise<void> {
    await documents.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: key, sk: `HIST#${appliedTag(origin)}`, ...origin, changes, at: new Date().toISOString() },
      }),
    );
  }

  /** A record whose ID is held for a different identity: kept apart for review (idempotent). */
  async putConflict(key: string, origin: RowOrigin, incoming: PopulationRecord): Promise<void> {
    await documents.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: key,
          sk: `CONFLICT#${appliedTag(origin)}`,
          ...origin,
          incoming,
          status: 'open',
          at: new Date().toISOString(),
        },
      }),
    );
  }
}
