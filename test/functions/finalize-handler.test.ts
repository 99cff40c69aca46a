import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { body, lambdaContext, setPipelineEnvironment, sqsEvent } from './mocks.ts';

setPipelineEnvironment();
const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);
let handler: typeof import('../../functions/finalize/handler.ts').handler;

const batch = {
  batchId: 'b1',
  agencyCode: 'CA-PLEIKU',
  objectKey: 'incoming/CA-PLEIKU/forms.csv',
  status: 'registering',
  startedAt: '2026-11-27T00:00:00.000Z',
  rows: 4,
  chunkCounts: [1, 1],
  checkpoint: { rejectedSeq: 1, unknownColumns: ['ghi_chu'] },
};
const files: Record<string, unknown[]> = {
  'work/b1/rejected/0.ndjson': [[2, 'rejected', '', '=F2', [{ code: 'SEX_INVALID', field: 'sex' }]]],
  'work/b1/outcomes/0/0.ndjson': [
    [1, 'new', 'id:1', 'F1', []],
    [4, 'duplicate', 'id:1', 'F4', []],
  ],
  'work/b1/outcomes/1/0.ndjson': [[3, 'updated', 'nk:abc', '', []]],
};
const written = (suffix: string) =>
  s3.commandCalls(PutObjectCommand).find((c) => String(c.args[0].input.Key).endsWith(suffix))?.args[0].input;

beforeAll(async () => {
  ({ handler } = await import('../../functions/finalize/handler.ts'));
});
beforeEach(() => {
  s3.reset();
  dynamo.reset();
  for (const [key, lines] of Object.entries(files)) {
    s3.on(GetObjectCommand, { Key: key }).resolves({
      Body: body(lines.map((l) => JSON.stringify(l)).join('\n')) as never,
    });
  }
  s3.on(PutObjectCommand).resolves({});
  dynamo.on(GetCommand, { Key: { pk: 'BATCH#b1', sk: 'META' } }).resolves({ Item: batch });
  dynamo
    .on(GetCommand, { Key: { pk: `OBJECT#${batch.objectKey}`, sk: 'LATEST' } })
    .resolves({ Item: { batchId: 'b1' } });
  dynamo.on(UpdateCommand).resolves({});
});

describe('finalize handler', () => {
  it('merges rejected rows and register outcomes into one outcomes.csv in row order, and a summary', async () => {
    const result = await handler(sqsEvent([{ kind: 'finalize', batchId: 'b1' }]), lambdaContext());
    expect(result.batchItemFailures).toEqual([]);
    const csv = String(written('outcomes.csv')?.Body ?? '');
    expect(csv.trim().split('\n')).toEqual([
      'row,form_id,outcome,person_key,codes,message',
      '1,F1,new,id:1,,',
      expect.stringMatching(/^2,'=F2,rejected,,SEX_INVALID,Giới tính/),
      '3,,updated,nk:abc,,',
      '4,F4,duplicate,id:1,,',
    ]);
    expect(written('outcomes.csv')?.Key).toBe('reports/CA-PLEIKU/forms.csv/outcomes.csv');
    const summary = JSON.parse(String(written('summary.json')?.Body));
    expect(summary).toMatchObject({
      batchId: 'b1',
      status: 'completed',
      rows: 4,
      outcomes: { new: 1, duplicate: 1, updated: 1, conflict: 0, probable_duplicate: 0, rejected: 1 },
      errorsByCode: { SEX_INVALID: 1 },
      unknownColumns: ['ghi_chu'],
    });
    const [lease, done] = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(lease?.UpdateExpression).toContain('finalizeHolder');
    expect(done?.ExpressionAttributeValues?.[':completed']).toBe('completed');
    expect(done?.UpdateExpression).toContain('finalizeHolder');
    expect(done?.UpdateExpression).toContain('REMOVE failure');
  });

  it('refuses to report a batch with a row missing, rather than write a wrong report', async () => {
    dynamo.on(GetCommand, { Key: { pk: 'BATCH#b1', sk: 'META' } }).resolves({ Item: { ...batch, rows: 5 } });
    const result = await handler(sqsEvent([{ kind: 'finalize', batchId: 'b1' }]), lambdaContext());
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(written('summary.json')).toBeUndefined();
    // the lease is given back, so that the retry need not wait for this invocation's deadline
    const released = dynamo.commandCalls(UpdateCommand).at(-1)?.args[0].input;
    expect(released?.UpdateExpression).toBe('REMOVE finalizeHolder, finalizeUntil');
  });

  it('leaves the batch to a finalize that already holds it (two chains asked for it), writing nothing', async () => {
    dynamo
      .on(UpdateCommand, { UpdateExpression: 'SET finalizeHolder = :holder, finalizeUntil = :until' })
      .rejects(new ConditionalCheckFailedException({ message: 'held', $metadata: {} }));
    const result = await handler(sqsEvent([{ kind: 'finalize', batchId: 'b1' }]), lambdaContext());
    expect(result.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('leaves the report to a newer upload of the same key', async () => {
    dynamo
      .on(GetCommand, { Key: { pk: `OBJECT#${batch.objectKey}`, sk: 'LATEST' } })
      .resolves({ Item: { batchId: 'b2' } });
    await handler(sqsEvent([{ kind: 'finalize', batchId: 'b1' }]), lambdaContext());
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':status']).toBe(
      'superseded',
    );
  });

  it('does nothing for a batch already completed', async () => {
    dynamo
      .on(GetCommand, { Key: { pk: 'BATCH#b1', sk: 'META' } })
      .resolves({ Item: { ...batch, status: 'completed' } });
    await handler(sqsEvent([{ kind: 'finalize', batchId: 'b1' }]), lambdaContext());
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
