// Where the command-line tools send their requests: locally, each agency signs with its own credentials, and an
// agency the local stack does not know is refused rather than signed for with the operator's key (issue 26).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../local/target.ts';

const OPERATOR = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const GIALAI = { accessKeyId: 'dancu-agency-CA-GIALAI', secretAccessKey: 'x' };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dancu-target-'));
  const info = {
    region: 'ap-southeast-1',
    credentials: OPERATOR,
    endpoints: {
      s3: 'http://127.0.0.1:1',
      sqs: 'http://127.0.0.1:2',
      dynamodb: 'http://127.0.0.1:3',
      http: '',
    },
    buckets: { batches: 'dancu-batches', reports: 'dancu-batches' },
    agencies: { 'CA-GIALAI': GIALAI, 'CA-KONTUM': { accessKeyId: 'k', secretAccessKey: 'k' } },
    queues: {},
    tables: {},
  };
  await writeFile(join(dir, 'local.json'), JSON.stringify(info));
});

describe('the local target', () => {
  it('uses the operator’s key for a tool that signs as no agency', () => {
    expect(resolveTarget({ dir }).s3.credentials).toEqual(OPERATOR);
  });
});
