// Each agency's correction list in the register table (issue 19): identity corrections waiting for a second officer,
// one partition per agency, so a list never shows another agency's items. The adapter of the CorrectionLists port.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { registerKeys } from '../keys.ts';
import type { CorrectionDecisionRecord, CorrectionPage, StoredCorrection } from '../model/correction.ts';
import type { CorrectionLists } from '../model/ports.ts';
import { listItemOf, queryAgencyList } from './agency-list.ts';
import { landed } from './conditions.ts';

const correctionKey = registerKeys.correction;

const correctionOf = (item: Record<string, unknown>) => listItemOf<StoredCorrection>(item);

export class CorrectionListStore implements CorrectionLists {
  constructor(private readonly table: string) {}

  putCorrection(correction: StoredCorrection): Promise<boolean> {
    return landed(
      documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...correctionKey(correction.agencyCode, correction.id), ...correction },
          // a redelivered row finds its correction there, perhaps decided since: it stays as it is
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async getCorrection(agencyCode: string, id: string): Promise<StoredCorrection | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: correctionKey(agencyCode, id), ConsistentRead: true }),
    );
    return Item ? correctionOf(Item) : undefined;
  }

  listCorrections(
    agencyCode: string,
    options: { status?: StoredCorrection['status']; limit?: number; nextToken?: string } = {},
  ): Promise<CorrectionPage> {
    return queryAgencyList(this.table, registerKeys.correctionList(agencyCode), options);
  }

  moveCorrection(
    agencyCode: string,
    id: string,
    from: readonly StoredCorrection['status'][],
    to: StoredCorrection['status'],
    decision: CorrectionDecisionRecord,
  ): Promise<boolean> {
    const froms = Object.fromEntries(from.map((status, i) => [`:from${i}`, status]));
    return landed(
      documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: correctionKey(agencyCode, id),
          UpdateExpression: 'SET #status = :to, decision = :decision',
          ConditionExpression: `attribute_exists(pk) AND #status IN (${Object.keys(froms).join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':to': to, ':decision': decision, ...froms },
        }),
      ),
    );
  }
}
