// The applications table: per application one item per event received (`EVENT#{sequence}`, written once) and one
// item holding the state made of them (`STATE`). The only module that knows this table's keys and expressions.
import { GetCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import type { Application, StoredEvent } from '../procedures/application.ts';
import { isConditionFailure } from './conditions.ts';

const partition = (applicationCode: string) => `APP#${applicationCode}`;
const STATE = 'STATE';
const EVENT = 'EVENT#';
// zero-padded so the sort key orders events by sequence
const eventKey = (sequence: number) => `${EVENT}${String(sequence).padStart(16, '0')}`;

export class ApplicationStore {
  constructor(private readonly table: string) {}

  /** Keeps the event unless one with its sequence is already kept: false for a repeat. */
  async addEvent(event: StoredEvent): Promise<boolean> {
    try {
      await documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: partition(event.applicationCode), sk: eventKey(event.sequence), ...event },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Every event kept for the application, by sequence (a consistent read: it sees every write before it). */
  async events(applicationCode: string): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    const pages = paginateQuery(
      { client: documents },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
        ExpressionAttributeValues: { ':pk': partition(applicationCode), ':event': EVENT },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const { pk: _pk, sk: _sk, ...event } of page.Items ?? []) events.push(event as StoredEvent);
    }
    return events;
  }

  /**
   * Stores the state unless the stored one was made of as many events or more: a state made of fewer events
   * (computed by an invocation that read before another event was kept) can never replace a fuller one.
   */
  async saveState(application: Application): Promise<boolean> {
    try {
      await documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: partition(application.applicationCode), sk: STATE, ...application },
          ConditionExpression: 'attribute_not_exists(pk) OR eventCount < :count',
          ExpressionAttributeValues: { ':count': application.eventCount },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The application's state, or undefined; an eventually consistent read, as a lookup needs no more. */
  async get(applicationCode: string): Promise<Application | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: { pk: partition(applicationCode), sk: STATE } }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...application } = Item;
    return application as Application;
  }
}
