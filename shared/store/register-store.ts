// The register table: one item per person (`PERSON`), the history of what each update changed
// (`HIST#…`), conflicts waiting for review (`CONFLICT#…`), the blocking items that file a person under its
// linkage keys (pk = the key, sk = the person key) and each agency's review list (`REVIEW#{agency}`).
// The only module that knows its keys.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { PopulationRecord } from '#domain/record.ts';
import { documents, dynamodb } from '../aws/dynamodb.ts';
import type { HeldCandidate } from '../linkage/link.ts';
import type { ReviewResolution } from '../linkage/review.ts';
import { isConditionFailure } from './conditions.ts';
import { packRecord, unpackRecord } from './person-record.ts';

export interface HeldPerson {
  record: PopulationRecord;
  version: number;
  /** `batchId#row:outcome` for the latest rows that touched this person, newest last */
  applied: string[];
  /** set when this key is not a person of its own: a record joined to that person, or a reviewer merged it */
  mergedInto?: string;
  /** persons a reviewer kept apart from this one */
  keptApart?: string[];
  agencyCode?: string;
  /**
   * Set on a person as its blocking item filed it (not read from its own item): the entry its first row
   * stored. A write from it holds only while the person is still as first stored (`recordOutcome`).
   */
  filed?: string;
}

/** A candidate as a blocking Query returns it: the whole record, and the agency that registered the person. */
export interface FiledCandidate extends HeldCandidate {
  record: PopulationRecord;
  agencyCode?: string;
  /** the `applied` entry its first row stored (items filed before this was kept lack it) */
  created?: string;
}

/** A probable duplicate on an agency's review list, as stored (see shared/linkage/review.ts). */
export interface StoredReview {
  /** `{batchId}.{row}`: unique per row, safe in a URL path */
  id: string;
  agencyCode: string;
  batchId: string;
  row: number;
  formId?: string;
  personKey: string;
  candidatePersonKey: string;
  score: number;
  reasons: string[];
  /** the compared fields of both records, with their levels (sideBySide) */
  fields: { field: string; incoming: string; held: string; level: string }[];
  createdAt: string;
  resolution?: ReviewResolution;
  resolvedAt?: string;
}

/** Where a row came from: the batch and its data row number. */
export interface RowOrigin {
  batchId: string;
  row: number;
  agencyCode: string;
}

const personKey = (key: string) => ({ pk: key, sk: 'PERSON' });
const reviewKey = (agencyCode: string, id: string) => ({ pk: `REVIEW#${agencyCode}`, sk: id });
/** BatchWriteItem takes 25 requests at most */
const BATCH_WRITE_MAX = 25;
const BATCH_WRITE_ATTEMPTS = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function heldPersonOf(Item: Record<string, unknown>): HeldPerson {
  const held: HeldPerson = {
    record: Item.record === undefined ? ({} as PopulationRecord) : unpackRecord(Item.record as string),
    version: (Item.version as number) ?? 0,
    applied: (Item.applied as string[]) ?? [],
  };
  if (Item.mergedInto) held.mergedInto = Item.mergedInto as string;
  if (Item.keptApart) held.keptApart = [...(Item.keptApart as Set<string>)];
  if (Item.agencyCode) held.agencyCode = Item.agencyCode as string;
  return held;
}
/** Enough to recognise a redelivered row across the few batches that touch a person at once. */
const APPLIED_KEPT = 16;

export const appliedTag = (origin: RowOrigin) => `${origin.batchId}#${origin.row}`;

export class RegisterStore {
  constructor(protected readonly table: string) {}

  /**
   * Stores a person seen for the first time, with its first row's outcome (linkage may make it
   * `probable_duplicate`); false when the key is already held.
   */
  async createPerson(
    key: string,
    record: PopulationRecord,
    origin: RowOrigin,
    outcome = 'new',
  ): Promise<boolean> {
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
            applied: { L: [{ S: `${appliedTag(origin)}:${outcome}` }] },
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
    return Item ? heldPersonOf(Item) : undefined;
  }

  /**
   * A key whose record joined another person: points to that person and remembers the row, so a redelivery
   * (or the same form again) goes straight there. False when the key is already held.
   */
  async putAlias(key: string, into: string, origin: RowOrigin, outcome: string): Promise<boolean> {
    try {
      await documents.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...personKey(key),
            mergedInto: into,
            version: 1,
            applied: [`${appliedTag(origin)}:${outcome}`],
            agencyCode: origin.agencyCode,
            updatedAt: new Date().toISOString(),
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

  /**
   * Files a person under its linkage keys, one blocking item each carrying the whole record (compact, so the
   * item stays under the 1 KB of one write unit, as the person's own does) and the entry its first row stores
   * (`created`). A Query per key then returns all the scorer reads, and a row that joins the person can
   * write to it without reading it first while it is as first stored. Idempotent (a redelivery writes the
   * same items).
   */
  async fileForLinkage(
    key: string,
    record: PopulationRecord,
    filingKeys: string[],
    agencyCode: string,
    created: string,
  ): Promise<void> {
    const fields = packRecord(record);
    const requests = filingKeys.map((blockingKey) => ({
      PutRequest: { Item: { pk: blockingKey, sk: key, fields, agencyCode, created } },
    }));
    for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX) {
      let pending: NonNullable<BatchWriteCommandInput['RequestItems']>[string] = requests.slice(
        i,
        i + BATCH_WRITE_MAX,
      );
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= BATCH_WRITE_ATTEMPTS)
          throw new Error(`${pending.length} blocking items stayed unprocessed`);
        // DynamoDB hands back what it throttled: back off (full jitter) before sending the rest again
        if (attempt > 0) await sleep(Math.random() * Math.min(2000, 50 * 2 ** attempt));
        const { UnprocessedItems } = await documents.send(
          new BatchWriteCommand({ RequestItems: { [this.table]: pending } }),
        );
        pending = UnprocessedItems?.[this.table] ?? [];
      }
    }
  }

  /** The held records filed under each blocking key (and the agency that filed each): one Query per key. */
  async findCandidates(blockingKeys: string[]): Promise<FiledCandidate[]> {
    const pages = await Promise.all(
      blockingKeys.map((blockingKey) =>
        documents.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :key',
            ExpressionAttributeValues: { ':key': blockingKey },
            ProjectionExpression: 'sk, #fields, agencyCode, created',
            ExpressionAttributeNames: { '#fields': 'fields' },
            ConsistentRead: true,
          }),
        ),
      ),
    );
    return pages.flatMap((page) =>
      (page?.Items ?? []).map((item) => ({
        personKey: item.sk as string,
        record: unpackRecord(item.fields as string),
        ...(item.agencyCode ? { agencyCode: item.agencyCode as string } : {}),
        ...(item.created ? { created: item.created as string } : {}),
      })),
    );
  }

  /** A probable duplicate on its agency's review list (idempotent: one item per row). */
  async putReview(review: StoredReview): Promise<void> {
    const { id, agencyCode, ...rest } = review;
    await documents
      .send(
        new PutCommand({
          TableName: this.table,
          Item: { ...reviewKey(agencyCode, id), id, agencyCode, ...rest },
          // a redelivery must not reopen an item a reviewer has resolved since
          ConditionExpression: 'attribute_not_exists(resolution)',
        }),
      )
      .catch((error) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async getReview(agencyCode: string, id: string): Promise<StoredReview | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: reviewKey(agencyCode, id), ConsistentRead: true }),
    );
    return Item ? reviewOf(Item) : undefined;
  }

  /**
   * An agency's review items, oldest batch first; only `batchId`'s when given. Only ever reads the agency's
   * own partition, so another agency's items cannot show.
   */
  async listReviews(
    agencyCode: string,
    options: { batchId?: string; limit?: number; nextToken?: string } = {},
  ): Promise<{ items: StoredReview[]; nextToken?: string }> {
    const { Items = [], LastEvaluatedKey } = await documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: options.batchId ? 'pk = :pk AND begins_with(sk, :batch)' : 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': `REVIEW#${agencyCode}`,
          ...(options.batchId ? { ':batch': `${options.batchId}.` } : {}),
        },
        Limit: options.limit,
        ExclusiveStartKey: options.nextToken
          ? { pk: `REVIEW#${agencyCode}`, sk: options.nextToken }
          : undefined,
      }),
    );
    const page: { items: StoredReview[]; nextToken?: string } = { items: Items.map(reviewOf) };
    if (LastEvaluatedKey?.sk) page.nextToken = LastEvaluatedKey.sk as string;
    return page;
  }

  /** Records a reviewer's decision once; false when the item was already resolved otherwise. */
  async resolveReview(agencyCode: string, id: string, resolution: ReviewResolution): Promise<boolean> {
    try {
      await documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: reviewKey(agencyCode, id),
          UpdateExpression: 'SET resolution = :resolution, resolvedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(resolution) OR resolution = :resolution)',
          ExpressionAttributeValues: { ':resolution': resolution, ':now': new Date().toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Remembers that a reviewer kept two persons apart, on the person (idempotent: a set). */
  async addKeptApart(key: string, other: string): Promise<void> {
    await documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: personKey(key),
        UpdateExpression: 'ADD keptApart :other',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':other': new Set([other]) },
      }),
    );
  }

  /**
   * A person merged into another (by a reviewer or a link pass): later rows under its key join that one. Only if
   * the person is still as read (`version`) and not merged yet: a merge never points a person that changed since it
   * was read, nor one merged meanwhile, so merges stay a chain (never a cycle) and carry every field; false when it
   * was not, and the caller reads again.
   */
  async markMerged(key: string, into: string, version: number): Promise<boolean> {
    try {
      await documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: personKey(key),
          // a new version, so a write prepared from the person as it was does not land
          UpdateExpression: 'SET mergedInto = :into, updatedAt = :now ADD version :one',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(mergedInto) AND version = :version',
          ExpressionAttributeValues: {
            ':into': into,
            ':now': new Date().toISOString(),
            ':one': 1,
            ':version': version,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Records a row's outcome on the person (and, for an update, the merged record), if nobody has changed
   * the person since `held` was read; false when somebody has, and the caller must read again. A `held`
   * taken from a blocking item (`filed`) holds only if the person is still as its first row stored it: that
   * entry first, never merged, version 1 (every later write raises the version).
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
          ConditionExpression: held.filed
            ? 'version = :version AND applied[0] = :filed AND attribute_not_exists(mergedInto)'
            : 'version = :version',
          ExpressionAttributeNames: merged ? { '#record': 'record' } : undefined,
          ExpressionAttributeValues: {
            ':applied': applied,
            ':next': held.version + 1,
            ':version': held.version,
            ':now': new Date().toISOString(),
            ...(merged ? { ':record': packRecord(merged) } : {}),
            ...(held.filed ? { ':filed': held.filed } : {}),
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

function reviewOf(item: Record<string, unknown>): StoredReview {
  const { pk: _pk, sk: _sk, ...review } = item;
  return review as unknown as StoredReview;
}
