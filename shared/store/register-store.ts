// The register table: persons (each naming the history item of its last change, shared/store/history-store.ts),
// the agencies' conflict lists, the blocking items that file a person under its linkage keys, and each agency's review list. The adapter of the
// Register port: the only module that writes these items' expressions (their keys: shared/keys.ts).
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PopulationRecord } from '#domain/record.ts';
import { documents, dynamodb } from '../aws/dynamodb.ts';
import { registerKeys, rowTag } from '../keys.ts';
import type { StoredConflict } from '../model/conflict.ts';
import { packRecord, unpackRecord } from '../model/person-record.ts';
import type { Register } from '../model/ports.ts';
import type { FiledCandidate, HeldPerson, NewPersonHistory, RowOrigin } from '../model/register.ts';
import { batchWriteAll } from './batch-write.ts';
import { landed } from './conditions.ts';
import { ReviewLists } from './review-lists.ts';

const personKey = registerKeys.person;

function heldPersonOf(Item: Record<string, unknown>): HeldPerson {
  const held: HeldPerson = {
    record: Item.record === undefined ? ({} as PopulationRecord) : unpackRecord(Item.record as string),
    version: (Item.version as number) ?? 0,
    applied: (Item.applied as string[]) ?? [],
  };
  if (Item.mergedInto) held.mergedInto = Item.mergedInto as string;
  if (Item.keptApart) held.keptApart = [...(Item.keptApart as Set<string>)];
  if (Item.agencyCode) held.agencyCode = Item.agencyCode as string;
  if (Item.lastChange) held.lastChange = Item.lastChange as string;
  if (Item.createdAt) {
    held.creation = { at: Item.createdAt as string, why: Item.createdWhy as string };
    if (Item.createdBy) held.creation.by = Item.createdBy as string;
  }
  return held;
}
/** Enough to recognise a redelivered row across the few batches that touch a person at once. */
const APPLIED_KEPT = 16;

export class RegisterStore extends ReviewLists implements Register {
  /**
   * Stores a person seen for the first time, with its first row's outcome (linkage may make it
   * `probable_duplicate`); false when the key is already held.
   */
  createPerson(
    key: string,
    record: PopulationRecord,
    origin: RowOrigin,
    outcome = 'new',
    creation?: NewPersonHistory,
  ): Promise<boolean> {
    // the one write of almost every row: attribute values written out, as the document client's marshalling
    // costs CPU on the register's critical path (docs/benchmarks.md)
    const now = new Date().toISOString();
    return landed(
      dynamodb.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: { S: key },
            sk: { S: registerKeys.personSortKey },
            record: { S: packRecord(record) },
            version: { N: '1' },
            applied: { L: [{ S: `${rowTag(origin)}:${outcome}` }] },
            agencyCode: { S: origin.agencyCode },
            updatedAt: { S: now },
            ...(creation ? { lastChange: { S: creation.lastChange } } : {}),
            // a creation derived when read: what its history needs that the person does not hold otherwise
            ...(creation?.why ? { createdAt: { S: now }, createdWhy: { S: creation.why } } : {}),
            ...(creation?.why && origin.uploadedBy ? { createdBy: { S: origin.uploadedBy } } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
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
  putAlias(key: string, into: string, origin: RowOrigin, outcome: string): Promise<boolean> {
    return landed(
      documents.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...personKey(key),
            mergedInto: into,
            version: 1,
            applied: [`${rowTag(origin)}:${outcome}`],
            agencyCode: origin.agencyCode,
            updatedAt: new Date().toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
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
      PutRequest: { Item: { ...registerKeys.blocking(blockingKey, key), fields, agencyCode, created } },
    }));
    await batchWriteAll(this.table, requests, 'blocking items');
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

  /**
   * Remembers that a reviewer kept two persons apart, on the person (a set), naming the history item of it; only if
   * the person is still as read (`version`).
   */
  addKeptApart(key: string, other: string, version: number, lastChange: string): Promise<boolean> {
    return landed(
      documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: personKey(key),
          UpdateExpression: 'SET lastChange = :change, updatedAt = :now ADD keptApart :other, version :one',
          ConditionExpression: 'attribute_exists(pk) AND version = :version',
          ExpressionAttributeValues: {
            ':change': lastChange,
            ':now': new Date().toISOString(),
            ':other': new Set([other]),
            ':one': 1,
            ':version': version,
          },
        }),
      ),
    );
  }

  /**
   * A person merged into another (by a reviewer or a link pass): later rows under its key join that one. Only if
   * the person is still as read (`version`) and not merged yet: a merge never points a person that changed since it
   * was read, nor one merged meanwhile, so merges stay a chain (never a cycle) and carry every field; false when it
   * was not, and the caller reads again.
   */
  markMerged(key: string, into: string, version: number, lastChange?: string): Promise<boolean> {
    return landed(
      documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: personKey(key),
          // a new version, so a write prepared from the person as it was does not land
          UpdateExpression: `SET mergedInto = :into, updatedAt = :now${lastChange ? ', lastChange = :change' : ''} ADD version :one`,
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(mergedInto) AND version = :version',
          ExpressionAttributeValues: {
            ':into': into,
            ':now': new Date().toISOString(),
            ':one': 1,
            ':version': version,
            ...(lastChange ? { ':change': lastChange } : {}),
          },
        }),
      ),
    );
  }

  /**
   * Records a row's outcome on the person (and, for an update, the merged record), if nobody has changed
   * the person since `held` was read; false when somebody has, and the caller must read again. A `held`
   * taken from a blocking item (`filed`) holds only if the person is still as its first row stored it: that
   * entry first, never merged, version 1 (every later write raises the version). A change to its fields names its
   * history item (`lastChange`).
   */
  recordOutcome(
    key: string,
    held: HeldPerson,
    entry: string,
    merged?: PopulationRecord,
    lastChange?: string,
  ): Promise<boolean> {
    const applied = [...held.applied, entry].slice(-APPLIED_KEPT);
    return landed(
      documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: personKey(key),
          UpdateExpression: `SET applied = :applied, version = :next, updatedAt = :now${merged ? ', #record = :record' : ''}${lastChange ? ', lastChange = :change' : ''}`,
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
            ...(lastChange ? { ':change': lastChange } : {}),
          },
        }),
      ),
    );
  }

  /** A row whose ID is held for a different identity, on its agency's conflict list (once: a redelivery leaves it). */
  putConflict(conflict: StoredConflict): Promise<boolean> {
    return landed(
      documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...registerKeys.conflict(conflict.agencyCode, conflict.id), ...conflict },
          // a redelivered row must not reopen a conflict a reviewer has decided since
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
}
