// The pre-upload check reads with the split's reader and its default bounds (issue 24).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../local/check-file.ts';
import { HEADER, ROW_A } from '../batch/helpers.ts';

describe('npm run check: read bounds', () => {
  it('apply with the split’s defaults, so a clerk learns before uploading', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dancu-bounds-'));
    const file = join(dir, 'wide.csv');
    await writeFile(file, `${HEADER}${',x'.repeat(1_000)}\n${ROW_A}\n`);
    const summary = await checkFile(file, join(dir, 'report'));
    expect(summary).toMatchObject({
      status: 'failed',
      failure: { code: 'BATCH_HEADER_TOO_LARGE', message: expect.stringContaining('1009 > 1000') },
    });
  });
});
