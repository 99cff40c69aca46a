// A person's history on the local stack, end to end (issue 19): one agency's upload creates a person, a second
// upload of its own updates it, and GET /persons/{key}/history answers its reviewer both changes in order (the
// creation derived from the person, as first written), with the uploader the batches recorded; another agency's
// reviewer gets the unknown person's 404.
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { Agency, quietLog, signedIn, tempDir, uploadAs } from './harness.ts';

let stack: LocalStack;
let operator: Agency;

const HEADER =
  'form_id,full_name,date_of_birth,sex,birth_registration_place,hometown,ethnicity,nationality,current_address,phone';
const form = (address: string, phone = '') =>
  `${HEADER}\nF1,Nguyễn Văn Hùng,1990-03-12,Nam,"Xã Ia Kha, Huyện Ia Grai, Tỉnh Gia Lai",Bình Định,Kinh,Việt Nam,"${address}",${phone}\n`;

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    visibilityTimeouts: { intake: 2, records: 2, finalize: 2 },
    log: quietLog,
  });
  operator = new Agency(stack);
}, 60_000);
afterAll(async () => stack?.stop());

describe('a person’s history on the local stack', () => {
  it('answers the agency’s reviewer its person’s creation and update, and another agency nothing', async () => {
    const first = new Date();
    await uploadAs(stack, 'CA-ANKHE', 'first.csv', form('Phường Hội Thương, Thành phố Pleiku, Tỉnh Gia Lai'));
    const created = await operator.waitForSummary('CA-ANKHE', 'first.csv', first);
    expect(created).toMatchObject({ outcomes: { new: 1 } });
    const second = new Date();
    await uploadAs(
      stack,
      'CA-ANKHE',
      'second.csv',
      form('Phường Tây Sơn, Thị xã An Khê, Tỉnh Gia Lai', '0912345678'),
    );
    const updated = await operator.waitForSummary('CA-ANKHE', 'second.csv', second);
    expect(updated).toMatchObject({ outcomes: { updated: 1 } });
    const [[, , , key = ''] = []] = await operator.outcomes('CA-ANKHE', 'second.csv');

    const answer = await fetch(`${stack.http}/persons/${key}/history`, {
      headers: await signedIn(stack.http, 'CA-ANKHE', ['reviewer']),
    });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as {
      personKey: string;
      changes: {
        version: number;
        outcome: string;
        batchId?: string;
        row?: number;
        why?: string;
        by?: { id: string };
        fields: unknown[];
      }[];
    };
    expect(body.personKey).toBe(key);
    expect(body.changes.map((change) => [change.version, change.outcome, change.by?.id])).toEqual([
      [1, 'created', 'local-client-CA-ANKHE'],
      [2, 'updated', 'local-client-CA-ANKHE'],
    ]);
    expect(body.changes[1]?.batchId).toBe(updated.batchId);
    // the creation, derived from the person: the first upload's batch and row, its values as first written
    expect(body.changes[0]).toMatchObject({ batchId: created.batchId, row: 1, why: 'new' });
    expect(body.changes[0]?.fields).toContainEqual({
      field: 'currentAddress',
      to: 'Phường Hội Thương, Thành phố Pleiku, Tỉnh Gia Lai',
    });
    expect(body.changes[0]?.fields).not.toContainEqual(expect.objectContaining({ field: 'phone' }));
    // and put as no item: the history table holds the update's alone
    const dynamodb = new DynamoDBClient({
      endpoint: stack.endpoints.dynamodb,
      region: stack.names.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { Items = [] } = await dynamodb.send(
      new QueryCommand({
        TableName: stack.names.tables.history,
        KeyConditionExpression: 'pk = :key',
        ExpressionAttributeValues: { ':key': { S: key } },
      }),
    );
    dynamodb.destroy();
    expect(Items.map((item) => item.sk?.S)).toEqual([`00000002#${updated.batchId}#1`]);
    expect(body.changes[1]?.fields).toEqual([
      {
        field: 'currentAddress',
        from: 'Phường Hội Thương, Thành phố Pleiku, Tỉnh Gia Lai',
        to: 'Phường Tây Sơn, Thị xã An Khê, Tỉnh Gia Lai',
      },
      { field: 'phone', to: '0912345678' },
    ]);

    const other = await fetch(`${stack.http}/persons/${key}/history`, {
      headers: await signedIn(stack.http, 'CA-PLEIKU', ['reviewer']),
    });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('PERSON_NOT_FOUND');
  });
});
