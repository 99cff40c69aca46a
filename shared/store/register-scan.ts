// The register table read whole, for the link pass alone (shared/ingest/link-pass.ts): a parallel Scan of its persons
// and an estimate of its size, the RegisterScanner port. Apart from RegisterStore so that the functions that never
// scan do not bundle the Scan paginator and DescribeTable. The person item's layout is RegisterStore's.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { documents, dynamodb } from '../aws/dynamodb.ts';
import { registerKeys } from '../keys.ts';
import { unpackRecord } from '../model/person-record.ts';
import type { RegisterScanner } from '../model/ports.ts';
import type { ScannedPerson } from '../model/register.ts';
import { RegisterStore } from './register-store.ts';

/** estimateItems counts one segment of this many. */
const SAMPLE_SEGMENTS = 1000;

export class RegisterScan extends RegisterStore implements RegisterScanner {
  /**
   * About how many items the table holds, persons and every other item: the larger of DynamoDB's own count, which
   * it refreshes about every six hours (so after a large import it is far behind), and a count of one thousandth of
   * the table (a segment of a parallel Scan, items counted, not returned: a thousandth of the table's read units).
   */
  async estimateItems(sampleSegments = SAMPLE_SEGMENTS): Promise<number> {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: this.table }));
    let sampled = 0;
    const pages = paginateScan(
      { client: documents },
      { TableName: this.table, Segment: 0, TotalSegments: sampleSegments, Select: 'COUNT' },
    );
    for await (const page of pages) sampled += page.Count ?? 0;
    return Math.max(Table?.ItemCount ?? 0, sampled * sampleSegments);
  }

  /**
   * The persons of one segment of a parallel scan (aliases, merged persons and the other items left out), page by
   * page. Eventually consistent, so half the read units: the link pass reads a register at rest, and a person
   * stored as it runs is linked by the next pass.
   */
  async *scanPersons(segment: number, totalSegments: number): AsyncGenerator<ScannedPerson[]> {
    const pages = paginateScan(
      { client: documents },
      {
        TableName: this.table,
        Segment: segment,
        TotalSegments: totalSegments,
        FilterExpression: 'sk = :person AND attribute_exists(#record) AND attribute_not_exists(mergedInto)',
        ProjectionExpression: 'pk, #record, keptApart',
        ExpressionAttributeNames: { '#record': 'record' },
        ExpressionAttributeValues: { ':person': registerKeys.personSortKey },
      },
    );
    for await (const page of pages) {
      yield (page.Items ?? []).map((item) => ({
        key: item.pk as string,
        record: unpackRecord(item.record as string),
        ...(item.keptApart ? { keptApart: [...(item.keptApart as Set<string>)] } : {}),
      }));
    }
  }
}
