// The applications table: per application one item per event received (written once) and one item holding the
// state made of them. The only module that writes this table's expressions (its keys: shared/keys.ts).
import { GetCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { applicationKeys } from '../keys.ts';
import type { Applications } from '../model/ports.ts';
import type { Application, StoredEvent } from '../procedures/application.ts';
import { landed } from './conditions.ts';

export class ApplicationStore implements Applications {
  constructor(private readonly table: string) {}

  /** Keeps the event unless one with its sequence is already kept: false for a repeat. */
  addEvent(event: StoredEvent): Promise<boolean> {
    return landed(
      documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...applicationKeys.event(event.applicationCode, event.sequence), ...event },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /** Every event kept for the application, by sequence (a consistent read: it sees every write before it). */
  async events(applicationCode: string): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    const { pk, skPrefix } = applicationKeys.events(applicationCode);
    const pages = paginateQuery(
      { client: documents },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
        ExpressionAttributeValues: { ':pk': pk, ':event': skPrefix },
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
  saveState(application: Application): Promise<boolean> {
    return landed(
      documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...applicationKeys.state(application.applicationCode), ...application },
          ConditionExpression: 'attribute_not_exists(pk) OR eventCount < :count',
          ExpressionAttributeValues: { ':count': application.eventCount },
        }),
      ),
    );
  }

  /** The application's state, or undefined; an eventually consistent read, as a lookup needs no more. */
  async get(applicationCode: string): Promise<Application | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: applicationKeys.state(applicationCode) }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...application } = Item;
    return application as Application;
  }
}
