// The batches as the link pass's issuance writes them (issue 20): BatchStore, and the count of a batch's rows that
// were given a number. Apart from BatchStore so that the functions that never issue do not bundle it.
import type { IssuedCounts } from '../model/ports.ts';
import { BatchStore } from './batch-store.ts';

export class IssuedBatches extends BatchStore implements IssuedCounts {
  async setIssuedIds(batchId: string, count: number): Promise<void> {
    await this.update(batchId, 'SET issuedIds = :count', { ':count': count });
  }
}
