// The agencies store against a mocked DynamoDB: a conditional, idempotent put; disable and enable of held agencies only;
// the list; an import that reads what is held, writes only the new agencies and sends again what DynamoDB left
// unprocessed; and the functions' 60-second cache.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Agency, AgencyInput } from '../../shared/model/agency.ts';

Object.assign(process.env, {
  AWS_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
});
const dynamo = mockClient(DynamoDBDocumentClient);
const { AgencyStore, cachedAgencyLookup, AGENCY_CACHE_TTL_MS } = await import(
  '../../shared/store/agency-store.ts'
);

const NOW = new Date('2026-12-07T08:00:00.000Z');
const store = new AgencyStore('agencies-table', { now: () => NOW });

const PLEIKU: AgencyInput = {
  code: 'CA-PLEIKU',
  name: 'Công an thành phố Pleiku',
  kind: 'police',
  unit: { code: '622', vintage: 2020 },
};
const held = (input: AgencyInput, fields: Partial<Agency> = {}) => ({
  pk: `AGENCY#${input.code}`,
  sk: 'AGENCY',
  machineClients: [],
  ...input,
  active: true,
  updatedAt: '2026-12-01T00:00:00.000Z',
  updatedBy: 'someone',
  ...fields,
});
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const agencyNumbered = (n: number): AgencyInput => ({
  code: `CA-X${n}`,
  name: `Agency ${n}`,
  kind: 'police',
  unit: { code: String(23000 + n), vintage: 2025 },
});

beforeEach(() => dynamo.reset());

describe('put', () => {
  it('creates a new agency, active, under its key, only if none is held there', async () => {
    dynamo.on(PutCommand).resolves({});
    expect(await store.put(PLEIKU, 'lan')).toBe('created');
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: 'agencies-table',
      Item: {
        pk: 'AGENCY#CA-PLEIKU',
        sk: 'AGENCY',
        ...PLEIKU,
        machineClients: [],
        active: true,
        updatedAt: NOW.toISOString(),
        updatedBy: 'lan',
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('is idempotent: an agency held as given is unchanged, one held otherwise a conflict, neither written', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: held(PLEIKU, { active: false }) });
    expect(await store.put(PLEIKU, 'lan')).toBe('unchanged');
    expect(await store.put({ ...PLEIKU, name: 'Công an TP Pleiku' }, 'lan')).toBe('conflict');
    expect(await store.put({ ...PLEIKU, unit: { code: '622', vintage: 2025 } }, 'lan')).toBe('conflict');
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('refuses an agency its schema does not allow, before writing', async () => {
    await expect(store.put({ ...PLEIKU, unit: { code: '6220', vintage: 2020 } }, 'lan')).rejects.toThrow();
    await expect(store.put({ ...PLEIKU, code: 'CA PLEIKU' }, 'lan')).rejects.toThrow();
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('throws what is not a condition failure', async () => {
    dynamo.on(PutCommand).rejects(new Error('throttled'));
    await expect(store.put(PLEIKU, 'lan')).rejects.toThrow('throttled');
  });
});

describe('disable and enable', () => {
  it('set the standing and who changed it, on a held agency only', async () => {
    dynamo.on(UpdateCommand).resolves({});
    expect(await store.disable('CA-PLEIKU', 'lan')).toBe(true);
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: 'AGENCY#CA-PLEIKU', sk: 'AGENCY' },
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':active': false, ':at': NOW.toISOString(), ':by': 'lan' },
    });
    expect(await store.enable('CA-PLEIKU', 'minh')).toBe(true);
    expect(dynamo.commandCalls(UpdateCommand)[1]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':active': true,
      ':by': 'minh',
    });
  });

  it('answer false for an agency not held', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    expect(await store.disable('CA-NOWHERE', 'lan')).toBe(false);
    expect(await store.enable('CA-NOWHERE', 'lan')).toBe(false);
  });
});

describe('get and list', () => {
  it('reads an agency without its keys, and nothing for one not held', async () => {
    dynamo.on(GetCommand, { Key: { pk: 'AGENCY#CA-PLEIKU', sk: 'AGENCY' } }).resolves({ Item: held(PLEIKU) });
    dynamo.on(GetCommand, { Key: { pk: 'AGENCY#CA-NOWHERE', sk: 'AGENCY' } }).resolves({});
    const { pk: _pk, sk: _sk, ...agency } = held(PLEIKU);
    expect(await store.get('CA-PLEIKU')).toEqual(agency);
    expect(await store.get('CA-NOWHERE')).toBeUndefined();
  });

  it('lists every page of the table, by code', async () => {
    const ankhe = { ...PLEIKU, code: 'CA-ANKHE', unit: { code: '623', vintage: 2020 as const } };
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [held(PLEIKU)], LastEvaluatedKey: { pk: 'AGENCY#CA-PLEIKU', sk: 'AGENCY' } })
      .resolvesOnce({ Items: [held(ankhe, { active: false })] });
    const listed = await store.list();
    expect(listed.map((agency) => [agency.code, agency.active])).toEqual([
      ['CA-ANKHE', false],
      ['CA-PLEIKU', true],
    ]);
    expect(dynamo.commandCalls(ScanCommand)).toHaveLength(2);
  });

  it('refuses to list an item the schema does not allow', async () => {
    dynamo.on(ScanCommand).resolves({ Items: [held(PLEIKU, { kind: 'army' as never })] });
    await expect(store.list()).rejects.toThrow();
  });
});

describe('importMany', () => {
  it('writes only the agencies not held, 25 to a request, and says what it did with each', async () => {
    const given = Array.from({ length: 30 }, (_, i) => agencyNumbered(i));
    const unchanged = given[3] as AgencyInput;
    const changed = given[4] as AgencyInput;
    dynamo.on(BatchGetCommand).resolves({
      Responses: {
        'agencies-table': [held(unchanged, { active: false }), held({ ...changed, name: 'Other' })],
      },
    });
    dynamo.on(BatchWriteCommand).resolves({});

    const result = await store.importMany(given, 'lan');

    expect(result.unchanged).toEqual(['CA-X3']);
    expect(result.conflicts).toEqual(['CA-X4']);
    expect(result.created).toHaveLength(28);
    const writes = dynamo.commandCalls(BatchWriteCommand).map((call) => call.args[0].input);
    expect(writes.map((input) => input.RequestItems?.['agencies-table']?.length)).toEqual([25, 3]);
    const written = writes.flatMap((input) => input.RequestItems?.['agencies-table'] ?? []);
    // a held agency is never written: an import does not re-enable a disabled one
    expect(written.map((request) => request.PutRequest?.Item?.code)).not.toContain('CA-X3');
    expect(written[0]?.PutRequest?.Item).toMatchObject({
      pk: 'AGENCY#CA-X0',
      active: true,
      updatedBy: 'lan',
    });
    const read = dynamo.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.['agencies-table'];
    expect(read?.Keys).toHaveLength(30);
  });

  it('sends again what DynamoDB left unprocessed, reads and writes alike', async () => {
    const [first, second] = [agencyNumbered(1), agencyNumbered(2)];
    const keyOf = (agency: AgencyInput) => ({ pk: `AGENCY#${agency.code}`, sk: 'AGENCY' });
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { 'agencies-table': [] },
        UnprocessedKeys: { 'agencies-table': { Keys: [keyOf(second)] } },
      })
      .resolvesOnce({ Responses: { 'agencies-table': [] } });
    dynamo
      .on(BatchWriteCommand)
      .callsFakeOnce((input) => ({
        UnprocessedItems: { 'agencies-table': input.RequestItems['agencies-table'].slice(1) },
      }))
      .resolvesOnce({});

    const result = await store.importMany([first, second], 'lan');

    expect(result.created).toEqual(['CA-X1', 'CA-X2']);
    expect(
      dynamo.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems?.['agencies-table']?.Keys,
    ).toEqual([keyOf(second)]);
    const writes = dynamo.commandCalls(BatchWriteCommand).map((call) => call.args[0].input);
    expect(
      writes.map((input) => input.RequestItems?.['agencies-table']?.map((r) => r.PutRequest?.Item?.code)),
    ).toEqual([['CA-X1', 'CA-X2'], ['CA-X2']]);
  });

  it('gives up on items that stay unprocessed', async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: { 'agencies-table': [] } });
    dynamo.on(BatchWriteCommand).callsFake((input) => ({
      UnprocessedItems: { 'agencies-table': input.RequestItems['agencies-table'] },
    }));
    vi.useFakeTimers();
    try {
      const importing = store.importMany([agencyNumbered(1)], 'lan');
      const failed = expect(importing).rejects.toThrow('1 agencies stayed unprocessed');
      await vi.runAllTimersAsync();
      await failed;
    } finally {
      vi.useRealTimers();
    }
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(8);
  });
});

describe('machine clients', () => {
  const CLIENT_KEY = { pk: 'CLIENT#abc123', sk: 'CLIENT' };
  const AGENCY_KEY = { pk: 'AGENCY#CA-PLEIKU', sk: 'AGENCY' };
  const updates = () => dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);

  it("adds: the client's item first, then the agency's list, the switch the authoriser reads", async () => {
    dynamo.on(UpdateCommand).resolves({});
    expect(await store.addMachineClient('CA-PLEIKU', 'abc123', 'lan')).toBe('added');
    const [item, list] = updates();
    expect(item).toMatchObject({
      Key: CLIENT_KEY,
      ConditionExpression: 'attribute_not_exists(pk) OR agency = :agency',
      ExpressionAttributeValues: { ':client': 'abc123', ':agency': 'CA-PLEIKU', ':by': 'lan' },
    });
    expect(list).toMatchObject({
      Key: AGENCY_KEY,
      ConditionExpression: 'attribute_exists(pk) AND NOT contains(machineClients, :id)',
      ExpressionAttributeValues: {
        ':client': ['abc123'],
        ':id': 'abc123',
        ':at': NOW.toISOString(),
        ':by': 'lan',
      },
    });
    expect(list?.UpdateExpression).toContain('list_append(if_not_exists(machineClients, :none), :client)');
  });

  it('a crash between the writes leaves the item alone, which admits nothing; again completes it', async () => {
    dynamo.on(UpdateCommand, { Key: CLIENT_KEY }).resolves({});
    dynamo.on(UpdateCommand, { Key: AGENCY_KEY }).rejectsOnce(new Error('connection reset')).resolves({});
    await expect(store.addMachineClient('CA-PLEIKU', 'abc123', 'lan')).rejects.toThrow('connection reset');
    expect(updates().map((input) => input.Key)).toEqual([CLIENT_KEY, AGENCY_KEY]);
    expect(await store.addMachineClient('CA-PLEIKU', 'abc123', 'lan')).toBe('added');
  });

  it('is unchanged when listed already; refuses another agency’s client before touching any list', async () => {
    dynamo.on(UpdateCommand, { Key: CLIENT_KEY }).resolves({});
    dynamo.on(UpdateCommand, { Key: AGENCY_KEY }).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: held(PLEIKU, { machineClients: ['abc123'] }) });
    expect(await store.addMachineClient('CA-PLEIKU', 'abc123', 'lan')).toBe('unchanged');
    expect(dynamo.commandCalls(DeleteCommand)).toHaveLength(0);

    dynamo.reset();
    dynamo.on(UpdateCommand, { Key: CLIENT_KEY }).rejects(conditionFailed());
    expect(await store.addMachineClient('CA-PLEIKU', 'abc123', 'lan')).toBe('other-agency');
    expect(updates()).toHaveLength(1);
  });

  it('an agency not held: its item is taken back', async () => {
    dynamo.on(UpdateCommand, { Key: CLIENT_KEY }).resolves({});
    dynamo.on(UpdateCommand, { Key: AGENCY_KEY }).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({});
    dynamo.on(DeleteCommand).resolves({});
    expect(await store.addMachineClient('CA-PLEIKU', 'abc123', 'lan')).toBe('agency-unknown');
    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      Key: CLIENT_KEY,
      ConditionExpression: 'agency = :agency',
      ExpressionAttributeValues: { ':agency': 'CA-PLEIKU' },
    });
  });

  it('removes: off the list by its index first (that alone refuses it), then its item if it names the agency', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: held(PLEIKU, { machineClients: ['other', 'abc123'] }) })
      .resolves({
        Item: held(PLEIKU, { machineClients: ['other'] }),
      });
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(DeleteCommand).resolves({});
    expect(await store.removeMachineClient('CA-PLEIKU', 'abc123', 'minh')).toBe('removed');
    expect(updates()[0]).toMatchObject({
      Key: AGENCY_KEY,
      UpdateExpression: 'REMOVE machineClients[1] SET updatedAt = :at, updatedBy = :by',
      ConditionExpression: 'machineClients[1] = :id',
      ExpressionAttributeValues: { ':id': 'abc123', ':by': 'minh' },
    });
    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({ Key: CLIENT_KEY });
  });

  it('reads the list again when it changed under the removal', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: held(PLEIKU, { machineClients: ['abc123'] }) })
      .resolvesOnce({ Item: held(PLEIKU, { machineClients: ['new', 'abc123'] }) })
      .resolves({ Item: held(PLEIKU, { machineClients: ['new'] }) });
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({});
    dynamo.on(DeleteCommand).resolves({});
    expect(await store.removeMachineClient('CA-PLEIKU', 'abc123', 'minh')).toBe('removed');
    expect(updates().map((input) => input.ConditionExpression)).toEqual([
      'machineClients[0] = :id',
      'machineClients[1] = :id',
    ]);
  });

  it('says when the agency does not list it, or is not held, and still deletes an item naming it', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: held(PLEIKU) })
      .resolves({});
    dynamo.on(DeleteCommand).rejects(conditionFailed());
    expect(await store.removeMachineClient('CA-PLEIKU', 'abc123', 'minh')).toBe('not-listed');
    expect(await store.removeMachineClient('CA-PLEIKU', 'abc123', 'minh')).toBe('agency-unknown');
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(DeleteCommand)).toHaveLength(2);
  });

  it('lists the agencies only, not the clients’ items', async () => {
    dynamo.on(ScanCommand).resolves({ Items: [held(PLEIKU)] });
    await store.list();
    expect(dynamo.commandCalls(ScanCommand)[0]?.args[0].input).toMatchObject({
      FilterExpression: '#sk = :agency',
      ExpressionAttributeNames: { '#sk': 'sk' },
      ExpressionAttributeValues: { ':agency': 'AGENCY' },
    });
  });
});

describe('cachedAgencyLookup', () => {
  const agency = { ...PLEIKU, machineClients: [], active: true, updatedAt: '', updatedBy: 'x' };

  it('reads an agency (or its absence) once per TTL, and shares a read in flight', async () => {
    let now = 0;
    const get = vi.fn(async (code: string) => (code === 'CA-PLEIKU' ? agency : undefined));
    const cached = cachedAgencyLookup({ get }, AGENCY_CACHE_TTL_MS, () => now);
    await Promise.all([cached.get('CA-PLEIKU'), cached.get('CA-PLEIKU')]);
    expect(await cached.get('CA-NOWHERE')).toBeUndefined();
    now = AGENCY_CACHE_TTL_MS - 1;
    expect(await cached.get('CA-PLEIKU')).toEqual(agency);
    expect(await cached.get('CA-NOWHERE')).toBeUndefined();
    expect(get.mock.calls).toEqual([['CA-PLEIKU'], ['CA-NOWHERE']]);

    now = AGENCY_CACHE_TTL_MS;
    await cached.get('CA-PLEIKU');
    expect(get).toHaveBeenCalledTimes(3);
  });

  it('keeps no failed read', async () => {
    const get = vi.fn().mockRejectedValueOnce(new Error('throttled')).mockResolvedValueOnce(agency);
    const cached = cachedAgencyLookup({ get }, AGENCY_CACHE_TTL_MS, () => 0);
    await expect(cached.get('CA-PLEIKU')).rejects.toThrow('throttled');
    expect(await cached.get('CA-PLEIKU')).toEqual(agency);
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('is a minute by default', () => {
    expect(AGENCY_CACHE_TTL_MS).toBe(60_000);
  });
});
