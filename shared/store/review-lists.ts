// Each agency's review list in the register table: the probable duplicates linkage found, one partition per agency,
// so a list never shows another agency's items. Part of the Register port's adapter (register-store.ts).
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { registerKeys, reviewIdPrefix } from '../keys.ts';
import type { ReviewResolution } from '../linkage/review.ts';
import type { ReviewPage, StoredReview } from '../model/register.ts';
import { landed } from './conditions.ts';

const reviewKey = registerKeys.review;

export class ReviewLists {
  constructor(protected readonly table: string) {}

  /** A probable duplicate on its agency's review list (idempotent: one item per row). */
  async putReview(review: StoredReview): Promise<void> {
    const { id, agencyCode, ...rest } = review;
    await landed(
      documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...reviewKey(agencyCode, id), id, agencyCode, ...rest },
          // a redelivery must not reopen an item a reviewer has resolved since
          ConditionExpression: 'attribute_not_exists(resolution)',
        }),
      ),
    );
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
  ): Promise<ReviewPage> {
    const list = registerKeys.reviewList(agencyCode);
    const { Items = [], LastEvaluatedKey } = await documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: options.batchId ? 'pk = :pk AND begins_with(sk, :batch)' : 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': list,
          ...(options.batchId ? { ':batch': reviewIdPrefix(options.batchId) } : {}),
        },
        Limit: options.limit,
        ExclusiveStartKey: options.nextToken ? reviewKey(agencyCode, options.nextToken) : undefined,
      }),
    );
    const page: ReviewPage = { items: Items.map(reviewOf) };
    if (LastEvaluatedKey?.sk) page.nextToken = LastEvaluatedKey.sk as string;
    return page;
  }

  /** Records a reviewer's decision once; false when the item was already resolved otherwise. */
  resolveReview(agencyCode: string, id: string, resolution: ReviewResolution): Promise<boolean> {
    return landed(
      documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: reviewKey(agencyCode, id),
          UpdateExpression: 'SET resolution = :resolution, resolvedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(resolution) OR resolution = :resolution)',
          ExpressionAttributeValues: { ':resolution': resolution, ':now': new Date().toISOString() },
        }),
      ),
    );
  }
}

function reviewOf(item: Record<string, unknown>): StoredReview {
  const { pk: _pk, sk: _sk, ...review } = item;
  return review as unknown as StoredReview;
}
