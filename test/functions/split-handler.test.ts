// The split handler on the port fakes: what an upload becomes (rejected rows, chunks, the first chunk of each
// partition sent), the uploads it refuses or cannot read, and the hand-over when its time runs low.
import { gzipSync } from 'node:zlib';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SPLIT_SETTINGS } from '../../shared/ingest/split.ts';
import { HEADER, ROW_A, ROW_B } from '../batch/helpers.ts';
import { MemoryAgencies } from '../fakes/agencies.ts';
import { lambdaContext, s3Notification, setPipelineEnvironment, sqsEvent } from './events.ts';
import { pipelineFakes } from './pipeline-fakes.ts';

setPipelineEnvironment();
let splitHandler: typeof import('../../functions/split/handler.ts').splitHandler;
let batchIdOf: typeof import('../../shared/ingest/batch-id.ts').batchIdOf;

let world: ReturnType<typeof pipelineFakes>;
let agencies: MemoryAgencies;
/** The principal of s3Notification(): the one that signs upload URLs in these tests. */
const SIGNER = 'AIDAEXAMPLE';
const split = (key: string, remainingMs?: number, principalId = `AWS:${SIGNER}`) => {
  const notification = s3Notification(key);
  for (const record of notification.Records) record.userIdentity = { principalId };
  return splitHandler({
    ...world,
    agencies,
    settings: DEFAULT_SPLIT_SETTINGS,
    uploadSigner: () => SIGNER,
  })(sqsEvent([notification]), lambdaContext(remainingMs));
};
/** An upload through a URL the agency function signed: the key's agency and the uploader in its metadata. */
const upload = (key: string, body: string | Buffer, agency = key.split('/')[1] ?? '') =>
  world.files.put(key, body, undefined, { 'dancu-agency': agency, 'dancu-uploader': 'client-pleiku' });
/** The batch of an upload as s3Notification() describes it. */
const batchOfKey = async (key: string) =>
  world.batches.get(batchIdOf({ bucket: 'batches-bucket', key, eTag: 'e1', sequencer: '0A1' }));
const nothingSent = () => {
  expect(world.sendChunks).not.toHaveBeenCalled();
  expect(world.sendContinue).not.toHaveBeenCalled();
  expect(world.sendFinalize).not.toHaveBeenCalled();
};

beforeAll(async () => {
  ({ splitHandler } = await import('../../functions/split/handler.ts'));
  ({ batchIdOf } = await import('../../shared/ingest/batch-id.ts'));
});
beforeEach(() => {
  world = pipelineFakes();
  agencies = MemoryAgencies.of({ code: 'CA-PLEIKU', unit: { code: '622', vintage: 2020 } });
});

describe('split handler', () => {
  it('splits a new upload: rejected rows and chunks to S3, the first chunk of each partition to the records queue', async () => {
    const bad = ROW_A.replace('064090123456', '064190123456');
    upload('incoming/CA-PLEIKU/forms.csv', `${HEADER}\n${ROW_A}\n${bad}\n${ROW_B}\n`);

    const result = await split('incoming/CA-PLEIKU/forms.csv');

    expect(result.batchItemFailures).toEqual([]);
    const batch = await batchOfKey('incoming/CA-PLEIKU/forms.csv');
    expect(batch).toMatchObject({
      agencyCode: 'CA-PLEIKU',
      objectKey: 'incoming/CA-PLEIKU/forms.csv',
      status: 'registering',
      rows: 3,
      chunkCounts: expect.any(Array),
      chainsStarted: true,
    });
    const rejected = world.files.keys(`work/${batch?.batchId}/rejected/`);
    expect(rejected).toHaveLength(1);
    expect(world.files.text(rejected[0] as string)).toContain('PERSONAL_ID_SEX_MISMATCH');
    const chunks = world.files.keys(`work/${batch?.batchId}/chunks/`);
    const lines = await Promise.all(chunks.map((key) => world.files.readLines(key)));
    expect(lines.flat()).toHaveLength(2);
    // the first chunk of each partition that has one
    const partitions = chunks.map((key) => Number(key.split('/')[3])).sort((a, b) => a - b);
    expect(world.sendChunks.mock.calls.flatMap(([messages]) => messages)).toEqual(
      partitions.map((partition) => ({ kind: 'chunk', batchId: batch?.batchId, partition, seq: 0 })),
    );
  });

  it('rejects a row holding a stray NUL as a control character and splits every other row', async () => {
    const rows = Array.from({ length: 120 }, (_, i) =>
      i === 59
        ? ROW_A.replace('Pleiku', 'Plei\0ku')
        : ROW_B.replace('1995-07-30', `1995-07-${10 + (i % 19)}`),
    );
    upload('incoming/CA-PLEIKU/nul.csv', `${HEADER}\n${rows.join('\n')}\n`);

    await split('incoming/CA-PLEIKU/nul.csv');

    const batch = await batchOfKey('incoming/CA-PLEIKU/nul.csv');
    expect(batch).toMatchObject({ status: 'registering', rows: 120 });
    const rejected = world.files.keys(`work/${batch?.batchId}/rejected/`);
    const ledger = rejected.map((key) => String(world.files.text(key))).join('');
    expect(ledger).toContain('CONTROL_CHARACTER');
    expect(ledger.trim().split('\n')).toHaveLength(1);
    const chunks = world.files.keys(`work/${batch?.batchId}/chunks/`);
    const lines = await Promise.all(chunks.map((key) => world.files.readLines(key)));
    expect(lines.flat()).toHaveLength(119);
  });

  it('does nothing for a repeated event of a batch already past splitting', async () => {
    upload('incoming/CA-PLEIKU/forms.csv', `${HEADER}\n${ROW_A}\n`);
    await split('incoming/CA-PLEIKU/forms.csv');
    vi.clearAllMocks();
    const opened = vi.spyOn(world.files, 'open');

    const result = await split('incoming/CA-PLEIKU/forms.csv');

    expect(result.batchItemFailures).toEqual([]);
    expect(opened).not.toHaveBeenCalled();
    nothingSent();
  });

  it('fails a batch whose file cannot be read, with a coded report and nothing sent to the register', async () => {
    upload('incoming/CA-PLEIKU/photo.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));

    await split('incoming/CA-PLEIKU/photo.csv');

    expect(await batchOfKey('incoming/CA-PLEIKU/photo.csv')).toMatchObject({
      status: 'failed',
      failure: { code: 'BATCH_NOT_TEXT' },
    });
    const summary = world.files.text('reports/CA-PLEIKU/photo.csv/summary.json');
    expect(JSON.parse(String(summary))).toMatchObject({
      status: 'failed',
      failure: { code: 'BATCH_NOT_TEXT' },
    });
    expect(world.files.keys('work/')).toEqual([]);
    nothingSent();
  });

  it('refuses a batch put straight into the bucket, not through a signed URL: failed with a coded report, nothing read or sent', async () => {
    // whatever metadata the intruder sets: only the signer's uploads are looked at
    upload('incoming/CA-ANKHE/forms.csv', `${HEADER}\n${ROW_A}\n`);
    const opened = vi.spyOn(world.files, 'open');
    const headed = vi.spyOn(world.files, 'metadata');

    const result = await split('incoming/CA-ANKHE/forms.csv', undefined, 'AWS:AROAINTRUDER:session');
    expect(headed).not.toHaveBeenCalled();

    expect(result.batchItemFailures).toEqual([]);
    expect(await batchOfKey('incoming/CA-ANKHE/forms.csv')).toMatchObject({
      status: 'failed',
      failure: {
        code: 'BATCH_UPLOADER_NOT_ALLOWED',
        message: expect.stringMatching(/không được phép.*may not submit/),
      },
    });
    // reported under its own batch id only: the name's path is the rightful agency's (issue 24)
    const refused = await batchOfKey('incoming/CA-ANKHE/forms.csv');
    expect(world.files.keys('reports/')).toContain(
      `reports/CA-ANKHE/forms.csv/batches/${refused?.batchId}/summary.json`,
    );
    expect(world.files.keys('reports/')).not.toContain('reports/CA-ANKHE/forms.csv/summary.json');
    expect(opened).not.toHaveBeenCalled();
    nothingSent();
  });

  it.each([
    ['signed for another agency', { 'dancu-agency': 'CA-PLEIKU', 'dancu-uploader': 'client-pleiku' }],
    ['without the signed agency', { 'dancu-uploader': 'client-pleiku' }],
    ['without metadata', undefined],
  ])(
    'refuses an upload by the signer %s: failed before it claims the name, nothing read or sent',
    async (_why, metadata) => {
      world.files.put('incoming/CA-ANKHE/forms.csv', `${HEADER}\n${ROW_A}\n`, undefined, metadata);
      const opened = vi.spyOn(world.files, 'open');

      const result = await split('incoming/CA-ANKHE/forms.csv');

      expect(result.batchItemFailures).toEqual([]);
      const refused = await batchOfKey('incoming/CA-ANKHE/forms.csv');
      expect(refused).toMatchObject({ status: 'failed', failure: { code: 'BATCH_UPLOADER_NOT_ALLOWED' } });
      expect(await world.batches.latestBatchOf('incoming/CA-ANKHE/forms.csv')).toBeUndefined();
      expect(world.files.keys('reports/')).not.toContain('reports/CA-ANKHE/forms.csv/summary.json');
      expect(opened).not.toHaveBeenCalled();
      nothingSent();
    },
  );

  it('records who asked for the upload URL on the batch', async () => {
    upload('incoming/CA-PLEIKU/forms.csv', `${HEADER}\n${ROW_A}\n`);

    await split('incoming/CA-PLEIKU/forms.csv');

    expect(await batchOfKey('incoming/CA-PLEIKU/forms.csv')).toMatchObject({
      status: 'registering',
      uploadedBy: 'client-pleiku',
    });
  });

  it.each([
    [
      'AGENCY_UNKNOWN',
      'not in the agencies table',
      () => agencies.held.delete('CA-PLEIKU'),
      /không có trong danh sách cơ quan.*not in the agencies list/,
    ],
    ['AGENCY_DISABLED', 'disabled', () => agencies.disable('CA-PLEIKU', 'operator'), /tạm ngừng.*disabled/],
    [
      'AGENCY_NOT_UPLOADER',
      'the platform agency, which holds no personal data (the jurisdiction rule)',
      () => {
        const held = agencies.held.get('CA-PLEIKU');
        if (held) agencies.held.set('CA-PLEIKU', { ...held, kind: 'platform' });
      },
      /không tải lên.*does not upload/,
    ],
  ])(
    'refuses the upload of an agency %s (%s): failed with a coded report, nothing read or sent',
    async (code, _why, arrange, message) => {
      await arrange();
      upload('incoming/CA-PLEIKU/forms.csv', `${HEADER}\n${ROW_A}\n`);
      const opened = vi.spyOn(world.files, 'open');

      const result = await split('incoming/CA-PLEIKU/forms.csv');

      expect(result.batchItemFailures).toEqual([]);
      const refused = await batchOfKey('incoming/CA-PLEIKU/forms.csv');
      expect(refused).toMatchObject({
        status: 'failed',
        failure: { code, message: expect.stringMatching(message) },
      });
      expect(world.files.keys('reports/')).toContain(
        `reports/CA-PLEIKU/forms.csv/batches/${refused?.batchId}/summary.json`,
      );
      expect(world.files.keys('reports/')).not.toContain('reports/CA-PLEIKU/forms.csv/summary.json');
      expect(opened).not.toHaveBeenCalled();
      nothingSent();
    },
  );

  it('retries an upload whose agency could not be read, creating nothing until it can', async () => {
    upload('incoming/CA-PLEIKU/forms.csv', `${HEADER}\n${ROW_A}\n`);
    vi.spyOn(agencies, 'get').mockRejectedValueOnce(new Error('ProvisionedThroughputExceededException'));

    const first = await split('incoming/CA-PLEIKU/forms.csv');
    expect(first.batchItemFailures).toHaveLength(1);
    expect(await batchOfKey('incoming/CA-PLEIKU/forms.csv')).toBeUndefined();

    await agencies.disable('CA-PLEIKU', 'operator');
    const retried = await split('incoming/CA-PLEIKU/forms.csv');
    expect(retried.batchItemFailures).toEqual([]);
    expect(await batchOfKey('incoming/CA-PLEIKU/forms.csv')).toMatchObject({
      status: 'failed',
      failure: { code: 'AGENCY_DISABLED' },
    });
    nothingSent();
  });

  it('never splits a refused upload on a retry, even when its refusal was not recorded the first time', async () => {
    upload('incoming/CA-PLEIKU/forms.csv', `${HEADER}\n${ROW_A}\n`);
    await agencies.disable('CA-PLEIKU', 'operator');
    vi.spyOn(world.batches, 'markFailed').mockRejectedValueOnce(new Error('throttled'));

    const first = await split('incoming/CA-PLEIKU/forms.csv');
    expect(first.batchItemFailures).toHaveLength(1);
    expect((await batchOfKey('incoming/CA-PLEIKU/forms.csv'))?.status).toBe('splitting');

    const retried = await split('incoming/CA-PLEIKU/forms.csv');
    expect(retried.batchItemFailures).toEqual([]);
    expect(await batchOfKey('incoming/CA-PLEIKU/forms.csv')).toMatchObject({
      status: 'failed',
      failure: { code: 'AGENCY_DISABLED' },
    });
    expect(world.files.keys('work/')).toEqual([]);
    nothingSent();
  });

  it('leaves a finished batch as it is when its event comes again after its agency was disabled', async () => {
    upload('incoming/CA-PLEIKU/forms.csv', `${HEADER}\n${ROW_A}\n`);
    await split('incoming/CA-PLEIKU/forms.csv');
    const split1 = await batchOfKey('incoming/CA-PLEIKU/forms.csv');
    expect(split1?.status).toBe('registering');
    await agencies.disable('CA-PLEIKU', 'operator');

    expect((await split('incoming/CA-PLEIKU/forms.csv')).batchItemFailures).toEqual([]);
    expect((await batchOfKey('incoming/CA-PLEIKU/forms.csv'))?.status).toBe('registering');
  });

  it('fails a batch whose object is gone before it is read, without retrying', async () => {
    const result = await split('incoming/CA-PLEIKU/deleted.csv');
    expect(result.batchItemFailures).toEqual([]);
    expect(await batchOfKey('incoming/CA-PLEIKU/deleted.csv')).toMatchObject({
      status: 'failed',
      failure: { code: 'BATCH_UNREADABLE' },
    });
  });

  it('fails a batch whose upload S3 will not let it read (a missing object under a prefix-limited ListBucket)', async () => {
    upload('incoming/CA-PLEIKU/denied.csv', `${HEADER}\n${ROW_A}\n`);
    vi.spyOn(world.files, 'open').mockRejectedValue(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }),
    );
    const result = await split('incoming/CA-PLEIKU/denied.csv');
    expect(result.batchItemFailures).toEqual([]);
    expect(await batchOfKey('incoming/CA-PLEIKU/denied.csv')).toMatchObject({
      status: 'failed',
      failure: { code: 'BATCH_UNREADABLE', message: expect.stringContaining('AccessDenied') },
    });
    nothingSent();
  });

  it('refuses a key outside incoming/{agency}/ or with an unsupported extension', async () => {
    upload('incoming/CA-PLEIKU/forms.xlsx', 'PK');
    const opened = vi.spyOn(world.files, 'open');
    await split('incoming/CA-PLEIKU/forms.xlsx');
    expect(await batchOfKey('incoming/CA-PLEIKU/forms.xlsx')).toMatchObject({
      status: 'failed',
      failure: { code: 'BATCH_UNSUPPORTED_FORMAT' },
    });
    expect(opened).not.toHaveBeenCalled();
  });

  it('hands over to a fresh invocation when time runs low, with a checkpoint', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => (i % 2 ? ROW_A : ROW_B)).join('\n');
    upload('incoming/CA-PLEIKU/forms.csv', `${HEADER}\n${rows}\n`);

    await split('incoming/CA-PLEIKU/forms.csv', 1_000);

    // time is looked at every 256 rows: row 256 is left for the next invocation
    const batch = await batchOfKey('incoming/CA-PLEIKU/forms.csv');
    expect(batch).toMatchObject({ status: 'splitting', checkpoint: { row: 255, invocations: 1 } });
    expect(world.sendContinue.mock.calls).toEqual([[batch?.batchId]]);
    expect(world.sendChunks).not.toHaveBeenCalled();
  });

  it('reports a malformed message as a batch item failure', async () => {
    const result = await splitHandler({
      ...world,
      settings: DEFAULT_SPLIT_SETTINGS,
    })(sqsEvent(['{"Records": [{"nonsense": true}]}']), lambdaContext());
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
  });
  it('fails a gzip batch whose resumed read cannot get past its rows before the time is up (issue 24)', async () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => (i % 2 ? ROW_A : ROW_B)).join('\n');
    upload('incoming/CA-PLEIKU/forms.csv.gz', gzipSync(`${HEADER}\n${rows}\n`));
    await split('incoming/CA-PLEIKU/forms.csv.gz', 1_000);
    const batch = await batchOfKey('incoming/CA-PLEIKU/forms.csv.gz');
    expect(batch).toMatchObject({ status: 'splitting', checkpoint: { row: 255, fileOffset: undefined } });

    // read again from byte 0, the clock is looked at while the rows split before are skipped
    const handler = splitHandler({ ...world, settings: DEFAULT_SPLIT_SETTINGS });
    const continued = sqsEvent([{ kind: 'split-continue', batchId: batch?.batchId }]);
    expect((await handler(continued, lambdaContext(1_000))).batchItemFailures).toEqual([]);

    expect(await batchOfKey('incoming/CA-PLEIKU/forms.csv.gz')).toMatchObject({
      status: 'failed',
      failure: { code: 'BATCH_TOO_LARGE', message: expect.stringContaining('row 255') },
    });
    expect(world.sendContinue).toHaveBeenCalledTimes(1);
  });

  it('fails a header of 120,000 columns at once, the checkpoint item far under 400 KB (issue 24)', async () => {
    const header = `${HEADER}${',c'.repeat(120_000)}`;
    upload('incoming/CA-PLEIKU/wide.csv', `${header}\n${ROW_A}${','.repeat(120_000)}\n`);
    await split('incoming/CA-PLEIKU/wide.csv');
    const batch = await batchOfKey('incoming/CA-PLEIKU/wide.csv');
    expect(batch).toMatchObject({ status: 'failed', failure: { code: 'BATCH_HEADER_TOO_LARGE' } });
    expect(JSON.stringify(batch).length).toBeLessThan(10_000);
  });
});
