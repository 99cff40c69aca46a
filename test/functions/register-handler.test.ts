// The register handler on the port fakes, exact keys only (LINKAGE off): each row's outcome, what the register then
// holds, and how the chain of chunks moves on. With linkage: register-linkage-handler.test.ts.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { chunkLine } from '../../shared/ingest/types.ts';
import { objectKeys } from '../../shared/keys.ts';
import { testKeyer } from '../fakes/keyer.ts';
import { lambdaContext, setPipelineEnvironment, sqsEvent } from './events.ts';
import { batchOf, pipelineFakes } from './pipeline-fakes.ts';

setPipelineEnvironment();
let registerHandler: typeof import('../../functions/register/handler.ts').registerHandler;

/** where the fixture's record counts: 'Pleiku' alone names no commune (shared/coverage/places.ts) */
const UNPLACED = '|||';

const record: PopulationRecord = {
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1990-02-01',
  sex: 'male',
  personalId: '064090123456',
  birthRegistrationPlace: 'Gia Lai',
  hometown: 'Bình Định',
  ethnicityCode: '01',
  nationality: 'VN',
  currentAddress: 'Pleiku',
};
const IDENTITY = 'id:064090123456';
/** the key the register seals the identity into */
const KEY = testKeyer.seal(IDENTITY);
const ref = { batchId: 'b1', partition: 0, seq: 0 };
const chunk = { kind: 'chunk', ...ref };
const outcomesKey = objectKeys.outcomes('b1', 0, 0);

let world: ReturnType<typeof pipelineFakes>;
const register = (message: object = chunk, receiveCount = 1) =>
  registerHandler({ ...world, concurrency: 16, linkage: false })(
    sqsEvent([message], receiveCount),
    lambdaContext(),
  );
/** A person the register held before this batch. */
const held = (fields: Partial<PopulationRecord>, version: number, applied: string[]) =>
  world.register.persons.set(KEY, { record: { ...record, ...fields }, version, applied });

beforeAll(async () => {
  ({ registerHandler } = await import('../../functions/register/handler.ts'));
});
beforeEach(async () => {
  world = pipelineFakes();
  // partition 0 has two chunks; the first holds row 7
  await world.batches.create(batchOf({ chunkCounts: [2, 0] }));
  await world.files.putLines(objectKeys.chunk('b1', 0, 0), [
    chunkLine({ row: 7, formId: 'F7', identity: IDENTITY, record }),
  ]);
});

describe('register handler', () => {
  it('leaves a chunk another invocation holds to it: waits for its outcomes, decides no row, moves the chain on', async () => {
    await world.batches.takeChunkLease(ref, 'another invocation', Date.now() + 60_000);
    const theirs = [[7, 'new', KEY, 'F7', []]];
    // the holder writes the chunk's outcomes while this copy waits for it
    const take = world.batches.takeChunkLease.bind(world.batches);
    const tries = vi.spyOn(world.batches, 'takeChunkLease').mockImplementation(async (...lease) => {
      const taken = await take(...lease);
      if (!taken) await world.files.putLines(outcomesKey, theirs);
      return taken;
    });
    const reads = vi.spyOn(world.files, 'readLines');

    const result = await register();

    expect(result.batchItemFailures).toEqual([]);
    expect(tries).toHaveBeenCalledWith(expect.objectContaining(ref), expect.any(String), expect.any(Number));
    expect(world.register.persons.size).toBe(0);
    expect(reads).not.toHaveBeenCalled();
    expect(await world.files.readLines(outcomesKey)).toEqual(theirs);
    expect(world.sendChunk).toHaveBeenCalledTimes(1);
  });

  it('never outwaits its own time: a chunk held past its deadline is sent again for when the lease ends', async () => {
    // the holder died (a restart, a timeout): its lease runs 130 s, longer than this invocation's 120 s
    await world.batches.takeChunkLease(ref, 'a dead invocation', Date.now() + 130_000);
    const reads = vi.spyOn(world.files, 'readLines');
    const started = Date.now();

    const result = await registerHandler({ ...world, concurrency: 16, linkage: false })(
      sqsEvent([chunk]),
      lambdaContext(120_000),
    );

    // a success at once: the copy comes back as a new message, delayed until the lease has ended
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.batchItemFailures).toEqual([]);
    expect(world.sendChunk.mock.calls).toEqual([[chunk, expect.any(Number)]]);
    const delaySeconds = world.sendChunk.mock.calls[0]?.[1] ?? 0;
    expect(delaySeconds).toBeGreaterThanOrEqual(129);
    expect(delaySeconds).toBeLessThanOrEqual(130);
    // nothing decided, the chain not moved on, the lease still the dead holder's
    expect(reads).not.toHaveBeenCalled();
    expect(world.register.persons.size).toBe(0);
    expect(world.sendFinalize).not.toHaveBeenCalled();
    expect(world.batches.chunkLeases.get('b1/0/0')?.holder).toBe('a dead invocation');
  });

  it('waits for a held chunk whose lease ends in time, then decides it', async () => {
    await world.batches.takeChunkLease(ref, 'a dead invocation', Date.now() + 300);

    const result = await registerHandler({ ...world, concurrency: 16, linkage: false })(
      sqsEvent([chunk]),
      lambdaContext(120_000),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect(await world.files.readLines(outcomesKey)).toEqual([
      [7, 'new', KEY, 'F7', [], null, null, null, UNPLACED, `>${UNPLACED}`],
    ]);
    expect(world.sendChunk.mock.calls).toEqual([[{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 1 }]]);
  });

  it('stores a person seen for the first time as new, and sends the partition its next chunk', async () => {
    const result = await register();
    expect(result.batchItemFailures).toEqual([]);
    expect(world.register.persons.get(KEY)).toMatchObject({
      record,
      applied: [expect.stringMatching(/^b1#7:new~[\w-]{8}$/)],
    });
    expect(await world.files.readLines(outcomesKey)).toEqual([
      [7, 'new', KEY, 'F7', [], null, null, null, UNPLACED, `>${UNPLACED}`],
    ]);
    expect(world.sendChunk.mock.calls).toEqual([[{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 1 }]]);
    expect(world.sendFinalize).not.toHaveBeenCalled();
    // done or not, the chunk's lease is let go
    expect(world.batches.chunkLeases.size).toBe(0);
  });

  it('a redelivered row finds its own earlier decision and decides the same', async () => {
    held({ currentAddress: 'Elsewhere' }, 3, ['b0#1:new', 'b1#7:new']);
    await register();
    expect(await world.files.readLines(outcomesKey)).toEqual([
      [7, 'new', KEY, 'F7', [], null, null, null, UNPLACED, `>${UNPLACED}`],
    ]);
    // the person as it was: not updated a second time
    expect(world.register.persons.get(KEY)).toMatchObject({
      record: { currentAddress: 'Elsewhere' },
      version: 3,
      applied: ['b0#1:new', 'b1#7:new'],
    });
  });

  it('an identity that differs under the same ID is a conflict, kept for review, the register unchanged', async () => {
    held({ fullName: 'Trần Văn Bình' }, 1, ['b0#1:new']);
    await register();
    // the row says why and against what: b0 is another agency's batch in these fakes' world, so it is not named
    expect(await world.files.readLines(outcomesKey)).toEqual([
      [
        7,
        'conflict',
        KEY,
        'F7',
        [{ code: 'IDENTITY_CONFLICT', fields: ['fullName'], against: { otherAgency: true } }],
        null,
        null,
        null,
        UNPLACED,
      ],
    ]);
    expect(world.register.conflicts).toEqual([`${KEY} b1#7`]);
    const person = world.register.persons.get(KEY);
    expect(person?.record).toEqual({ ...record, fullName: 'Trần Văn Bình' });
    expect(person?.applied).toEqual(['b0#1:new', expect.stringMatching(/^b1#7:conflict~[\w-]{8}$/)]);
  });

  it('the same identity with a new address is an update with history, guarded by the version read', async () => {
    held({ currentAddress: 'An Khê' }, 4, []);
    // the batch's uploader, as the split took it from the upload's signed metadata
    await world.batches.setStatus('b1', 'registering', { uploadedBy: 'client-7' });
    const outcome = vi.spyOn(world.register, 'recordOutcome');
    await register();
    // no earlier entry kept: compared with the record as held
    expect(await world.files.readLines(outcomesKey)).toEqual([
      [
        7,
        'updated',
        KEY,
        'F7',
        [{ code: 'FIELDS_UPDATED', fields: ['currentAddress'] }],
        null,
        null,
        null,
        UNPLACED,
      ],
    ]);
    // its history item: the field from and to, the batch and row, the uploader who made it
    const [change] = await world.history.list(KEY);
    expect(change).toMatchObject({
      sk: '00000005#b1#7',
      version: 5,
      outcome: 'updated',
      changes: { currentAddress: { from: 'An Khê', to: 'Pleiku' } },
      batchId: 'b1',
      row: 7,
      agencyCode: 'CA-PLEIKU',
      by: { kind: 'uploader', id: 'client-7' },
    });
    expect(world.register.persons.get(KEY)?.lastChange).toBe(change?.sk);
    // written against the version it read: the fake, like the table, refuses any other
    expect(outcome.mock.calls[0]?.[1]).toMatchObject({ version: 4 });
    expect(world.register.persons.get(KEY)).toMatchObject({ record, version: 5 });
  });

  describe('what a row was compared with, as its agency may see it', () => {
    /** created by another agency's row 3, then updated by this agency's row 4 of an earlier batch */
    beforeEach(async () => {
      await world.batches.create(batchOf({ batchId: 'own0', objectKey: 'incoming/CA-PLEIKU/old.csv' }));
      await world.batches.create(
        batchOf({ batchId: 'their0', agencyCode: 'CA-ANKHE', objectKey: 'incoming/CA-ANKHE/x.csv' }),
      );
    });
    const entries = ['their0#3:new~AAAAAAAA', 'own0#4:updated~BBBBBBBB~t'];

    it("another agency's batch only as such", async () => {
      held({ fullName: 'Trần Văn Bình' }, 2, entries);
      await register();
      const [line] = await world.files.readLines<[number, string, string, string, object[]]>(outcomesKey);
      const [, outcome, , , issues] = line ?? [];
      expect(outcome).toBe('conflict');
      expect(issues).toEqual([
        { code: 'IDENTITY_CONFLICT', fields: ['fullName'], against: { otherAgency: true } },
      ]);
    });

    it('an earlier batch of its own by id and row', async () => {
      held({ currentAddress: 'An Khê' }, 2, entries);
      await register();
      const [line] = await world.files.readLines<[number, string, string, string, object[]]>(outcomesKey);
      const [, outcome, , , issues] = line ?? [];
      expect(outcome).toBe('updated');
      expect(issues).toEqual([
        { code: 'FIELDS_UPDATED', fields: ['currentAddress'], against: { batchId: 'own0', row: 4 } },
      ]);
    });
  });

  it('a chunk whose outcomes exist was done before: it only moves the chain on', async () => {
    const earlier = [[7, 'new', KEY, 'F7', []]];
    await world.files.putLines(outcomesKey, earlier);
    const leases = vi.spyOn(world.batches, 'takeChunkLease');
    await register();
    expect(leases).not.toHaveBeenCalled();
    expect(world.register.persons.size).toBe(0);
    expect(await world.files.readLines(outcomesKey)).toEqual(earlier);
    expect(world.sendChunk.mock.calls).toEqual([[{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 1 }]]);
  });

  it('after the last chunk of the last partition, asks for the report', async () => {
    await world.files.putLines(objectKeys.chunk('b1', 0, 1), [
      chunkLine({ row: 9, formId: 'F9', identity: IDENTITY, record }),
    ]);
    await register({ ...chunk, seq: 1 });
    expect(world.sendChunk).not.toHaveBeenCalled();
    expect(world.sendFinalize.mock.calls).toEqual([['b1']]);
  });

  it('a new person puts no history item: one write, its creation derived from the person when read', async () => {
    world.history.crashOnPut = true; // any put would fail the chunk
    const done = await register();
    expect(done.batchItemFailures).toEqual([]);
    expect((await world.files.readLines<unknown[]>(outcomesKey))[0]?.[1]).toBe('new');
    expect(world.history.puts).toBe(0);
    expect(world.register.persons.get(KEY)).toMatchObject({
      lastChange: '00000001#b1#7',
      creation: { why: 'new' },
    });
  });

  it('on the last try of a failing chunk, marks the batch failed with a reason and leaves the message to the DLQ', async () => {
    vi.spyOn(world.register, 'createPerson').mockRejectedValue(new Error('DynamoDB is down'));
    const result = await register(chunk, 5);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(await world.batches.get('b1')).toMatchObject({
      status: 'failed',
      failure: { code: 'BATCH_PROCESSING_FAILED' },
    });
  });

  it('before the last try, only reports the failure', async () => {
    vi.spyOn(world.register, 'createPerson').mockRejectedValue(new Error('DynamoDB is down'));
    const result = await register(chunk, 2);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    // the batch is not marked failed; the chunk's lease is let go, so the retry need not wait for it
    expect(await world.batches.get('b1')).toMatchObject({ status: 'registering' });
    expect(world.batches.chunkLeases.size).toBe(0);
    expect(await world.batches.takeChunkLease(ref, 'the retry', Date.now() + 1000)).toBe(true);
  });
});
