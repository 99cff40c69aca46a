// Issue 18 on the local stack: expected residents uploaded under `reference/population/` (as `npm run reference` and
// the demo do) reach the finalize function through the bucket's notification, are stored per province in the batches
// table (dynalite), and get a report beside them; the newest as-of date applies.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../local/pipeline.ts';
import { reportLines, uploadReference } from '../../local/reference.ts';
import { GIALAI_2020, GIALAI_POPULATION_FILE } from '../../local/reference-fixture.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import type { ReferenceReport } from '../../shared/ingest/reference-upload.ts';
import { coverageKeys, objectKeys } from '../../shared/keys.ts';
import type { ReferencePopulations } from '../../shared/model/coverage.ts';
import { Agency, quietLog, tempDir } from './harness.ts';

const HEADER = 'commune_code,permanent_residents,temporary_residents,as_of,source';

let stack: LocalStack;
let agency: Agency;
let references: ReferencePopulations;
let gialai: ReferenceReport | undefined;

const upload = (name: string, text: string | Buffer) =>
  uploadReference(agency.s3, agency.bucket, name, Buffer.from(text), { timeoutMs: 60_000 });

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0, http: 0 },
    visibilityTimeouts: { intake: 2, records: 2, finalize: 2 },
    log: quietLog,
  });
  agency = new Agency(stack);
  // after the stack set the environment: the store's client is the functions' own
  const { ReferenceStore } = await import('../../shared/store/reference-store.ts');
  references = new ReferenceStore(stack.names.tables.batches);
  gialai = await upload('gialai-population-2020', readFileSync(fileURLToPath(GIALAI_POPULATION_FILE)));
}, 120_000);
afterAll(async () => stack?.stop());

describe('a reference upload on the local stack', () => {
  it('stores Gia Lai’s expected residents, the fixture’s totals, and reports them', async () => {
    expect(gialai).toMatchObject({
      objectKey: objectKeys.referenceUpload('gialai-population-2020'),
      status: 'completed',
      asOf: GIALAI_2020.asOf,
      vintage: 2020,
      communes: 220,
      provinces: [
        { province: '64', communes: 220, permanent: GIALAI_2020.permanent, temporary: GIALAI_2020.temporary },
      ],
      rejectedCount: 0,
    });
    const stored = await references.newest(2020, '64');
    expect(Object.keys(stored?.communes ?? {})).toHaveLength(220);
    const total = Object.values(stored?.communes ?? {}).reduce((sum, c) => sum + c.permanent, 0);
    expect(total).toBe(GIALAI_2020.permanent);
    expect(reportLines(gialai as ReferenceReport)[1]).toBe(
      'completed: 220 communes accepted, 0 rows refused (as of 2020-11-01, 2020 units)',
    );
  });

  it('writes its report beside it, and stores one item per province per upload', async () => {
    const report = JSON.parse(await agency.text(objectKeys.referenceReport('gialai-population-2020')));
    expect(report).toEqual(gialai);
    const items = (await agency.scan('batches')).filter((item) =>
      String(item.pk).startsWith(coverageKeys.referencePartition(2020, '')),
    );
    expect(items.map((item) => [item.pk, item.sk])).toEqual([
      Object.values(coverageKeys.reference(2020, '64', GIALAI_2020.asOf, gialai?.uploadedAt ?? '')),
    ]);
  });

  it('refuses bad rows with their codes, and fails an unreadable file storing nothing', async () => {
    const mixed = await upload(
      'mixed',
      `${HEADER}\n24118,100,1,2020-11-01,s\n99999,1,0,2020-11-01,s\n24121,-1,0,2020-11-01,s\n`,
    );
    expect(mixed).toMatchObject({
      status: 'completed',
      communes: 1,
      provinces: [{ province: '66', communes: 1 }],
      rejected: [
        { row: 2, code: 'REFERENCE_CODE_UNKNOWN', message: expect.stringContaining(' / ') },
        { row: 3, code: 'REFERENCE_COUNT_INVALID', message: expect.stringContaining(' / ') },
      ],
    });
    const failed = await upload('broken', 'commune,people\n24124,5\n');
    expect(failed).toMatchObject({ status: 'failed', failure: { code: 'REFERENCE_HEADER_INVALID' } });
    expect(Object.keys((await references.newest(2020, '66'))?.communes ?? {})).toEqual(['24118']);
  });

  it('applies the newest as-of date: an older one uploaded later does not replace it, a later upload of it does', async () => {
    await upload('older', `${HEADER}\n23557,1,0,2019-04-01,s\n`);
    expect(Object.keys((await references.newest(2020, '64'))?.communes ?? {})).toHaveLength(220);
    await upload('again', `${HEADER}\n23557,9999,9,2020-11-01,corrected\n`);
    expect((await references.newest(2020, '64'))?.communes).toEqual({
      '23557': { permanent: 9999, temporary: 9, source: 'corrected' },
    });
  });
});
