// What the recount reads (shared/coverage/recount.ts): the register's persons, the completed batches' coverage
// ledgers and every counter item. Scans: an operator's tool, run rarely, never on a request's path.
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import type { PopulationRecord } from '#domain/record.ts';
import { documents } from '../aws/dynamodb.ts';
import type { RecountSources } from '../coverage/recount.ts';
import { batchKeys, objectKeys } from '../keys.ts';
import type { CounterItem, CoverageLedger } from '../model/coverage.ts';
import type { Files, RegisterScanner } from '../model/ports.ts';
import type { CoverageStore } from './coverage-store.ts';

export class CoverageSources implements RecountSources {
  constructor(
    private readonly batchesTable: string,
    private readonly scanner: RegisterScanner,
    private readonly files: Pick<Files, 'readLines'>,
    private readonly store: CoverageStore,
  ) {}

  async *persons(): AsyncIterable<PopulationRecord[]> {
    for await (const page of this.scanner.scanPersons(0, 1)) yield page.map((person) => person.record);
  }

  async *ledgers(): AsyncIterable<CoverageLedger> {
    const pages = paginateScan(
      { client: documents },
      {
        TableName: this.batchesTable,
        FilterExpression: 'sk = :meta AND #status = :completed',
        ProjectionExpression: 'batchId',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':meta': batchKeys.batchSortKey, ':completed': 'completed' },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        // one JSON value in the file; a batch completed before issue 18 has none, and moved nothing
        const [ledger] = await this.files.readLines<CoverageLedger>(
          objectKeys.batchCoverage(item.batchId as string),
        );
        if (ledger) yield ledger;
      }
    }
  }

  counters(): Promise<CounterItem[]> {
    return this.store.all();
  }
}
