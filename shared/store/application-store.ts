// The applications table: per application one item per event received (written once) and one item holding the
// state made of them. The only module that writes this table's expressions (its keys: shared/keys.ts).
import {
  GetCommand,
  PutCommand,
  paginateQuery,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { applicationKeys } from '../keys.ts';
import type { Applications } from '../model/ports.ts';
import type { Application, StoredEvent } from '../procedures/application.ts';
import { FINAL_STATUSES } from '../procedures/statuses.ts';
import { landed } from './conditions.ts';

/** The table's TTL attribute (shared/resources.ts): epoch seconds after which DynamoDB deletes the item. */
export const EXPIRES_AT = 'expiresAt';
const DAY_SECONDS = 86_400;

export interface ApplicationRetention {
  /** days an application's items are kept after the event that gave it a final status; none: kept for ever */
  closedApplicationsDays?: number;
}

export class ApplicationStore implements Applications {
  constructor(
    private readonly table: string,
    private readonly retention: ApplicationRetention = {},
  ) {}

  /**
   * When a closed application's items expire: its final status's time plus the retention (storage limitation,
   * Decree 13/2023); undefined while it is open or when nothing expires.
   */
  expiryOf(application: Application): number | undefined {
    const days = this.retention.closedApplicationsDays;
    if (days === undefined || !FINAL_STATUSES.has(application.status)) return undefined;
    return Math.floor(Date.parse(application.updatedAt) / 1000) + days * DAY_SECONDS;
  }

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
    for await (const page of this.eventPages(applicationCode, { ConsistentRead: true })) {
      for (const { pk: _pk, sk: _sk, [EXPIRES_AT]: _expiresAt, ...event } of page.Items ?? [])
        events.push(event as StoredEvent);
    }
    return events;
  }

  /**
   * Stores the state unless the stored one was made of as many events or more: a state made of fewer events
   * (computed by an invocation that read before another event was kept) can never replace a fuller one.
   */
  async saveState(application: Application): Promise<boolean> {
    const expiresAt = this.expiryOf(application);
    const saved = await landed(
      documents.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...applicationKeys.state(application.applicationCode),
            ...application,
            ...(expiresAt === undefined ? {} : { [EXPIRES_AT]: expiresAt }),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR eventCount < :count',
          ExpressionAttributeValues: { ':count': application.eventCount },
        }),
      ),
    );
    // the events expire with their state; a state reopened by a later event takes their expiry away again
    if (saved) await this.expireEvents(application.applicationCode, expiresAt);
    return saved;
  }

  /** The pages of the application's event items, with the query's other options. */
  private eventPages(
    applicationCode: string,
    options: Pick<QueryCommandInput, 'ConsistentRead' | 'ExpressionAttributeNames' | 'ProjectionExpression'>,
  ) {
    const { pk, skPrefix } = applicationKeys.events(applicationCode);
    return paginateQuery(
      { client: documents },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
        ExpressionAttributeValues: { ':pk': pk, ':event': skPrefix },
        ...options,
      },
    );
  }

  /** Sets (or removes) the expiry of every event item of the application that does not have it yet. */
  private async expireEvents(applicationCode: string, expiresAt: number | undefined): Promise<void> {
    const pages = this.eventPages(applicationCode, {
      ExpressionAttributeNames: { '#expiresAt': EXPIRES_AT },
      ProjectionExpression: 'pk, sk, #expiresAt',
    });
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        if (item[EXPIRES_AT] === expiresAt) continue;
        await documents
          .send(
            new UpdateCommand({
              TableName: this.table,
              Key: { pk: item.pk, sk: item.sk },
              ...(expiresAt === undefined
                ? { UpdateExpression: 'REMOVE #expiresAt' }
                : {
                    UpdateExpression: 'SET #expiresAt = :expiresAt',
                    ExpressionAttributeValues: { ':expiresAt': expiresAt },
                  }),
              ExpressionAttributeNames: { '#expiresAt': EXPIRES_AT },
              // never brings back an event TTL has deleted meanwhile
              ConditionExpression: 'attribute_exists(pk)',
            }),
          )
          .catch((error: unknown) => {
            if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
          });
      }
    }
  }

  /** The application's state, or undefined; an eventually consistent read, as a lookup needs no more. */
  async get(applicationCode: string): Promise<Application | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: applicationKeys.state(applicationCode) }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, [EXPIRES_AT]: _expiresAt, ...application } = Item;
    return application as Application;
  }
}
