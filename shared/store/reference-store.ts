// The expected residents of each province, one item per uploaded version in the batches table (coverageKeys.reference):
// a province's communes in one item (220 in Gia Lai, some 6 KB), the newest as-of date read with one Query.
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Vintage } from '#domain/units.ts';
import { documents } from '../aws/dynamodb.ts';
import { coverageKeys } from '../keys.ts';
import type { ProvinceReference, ReferencePopulations } from '../model/coverage.ts';

export class ReferenceStore implements ReferencePopulations {
  constructor(private readonly table: string) {}

  async put(reference: ProvinceReference): Promise<void> {
    const { vintage, province, asOf, uploadedAt } = reference;
    await documents.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...coverageKeys.reference(vintage, province, asOf, uploadedAt), reference },
      }),
    );
  }

  async newest(vintage: Vintage, province: string): Promise<ProvinceReference | undefined> {
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': coverageKeys.referencePartition(vintage, province) },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    return Items?.[0]?.reference as ProvinceReference | undefined;
  }
}
