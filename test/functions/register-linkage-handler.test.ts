// The register handler with record linkage (LINKAGE on, the default), on the port fakes: what an ID-less record
// reads and writes on its way to being a new person.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { personIdentity } from '#domain/identity.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { chunkLine } from '../../shared/ingest/types.ts';
import { objectKeys, worklistKeys } from '../../shared/keys.ts';
import { MemoryRecollections } from '../fakes/coverage.ts';
import { keyOf } from '../fakes/keyer.ts';
import { PERSON } from '../fixtures/person.ts';
import { lambdaContext, setPipelineEnvironment, sqsEvent } from './events.ts';
import { batchOf, pipelineFakes } from './pipeline-fakes.ts';

setPipelineEnvironment();
let registerHandler: typeof import('../../functions/register/handler.ts').registerHandler;

const record: PopulationRecord = { ...PERSON, motherName: 'Trần Thị Lan' };
const key = keyOf(record);

beforeAll(async () => {
  ({ registerHandler } = await import('../../functions/register/handler.ts'));
});

describe('register handler with record linkage', () => {
  it('an ID-less record nobody resembles: three Queries, its blocking items, then the person, new', async () => {
    const world = pipelineFakes();
    await world.batches.create(batchOf({ chunkCounts: [2] }));
    await world.files.putLines(objectKeys.chunk('b1', 0, 0), [
      chunkLine({ row: 7, formId: 'F7', identity: personIdentity(record), record }),
    ]);
    const leases = vi.spyOn(world.batches, 'takeChunkLease');

    const result = await registerHandler({ ...world, concurrency: 16, linkage: true })(
      sqsEvent([{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 0 }]),
      lambdaContext(),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect(world.register.calls.query).toBe(3);
    expect(world.register.calls.getPerson).toBe(0);
    expect(world.register.calls.filingItems).toBe(3);
    expect([...world.register.blocks.values()].every((filed) => [...filed.keys()].join() === key)).toBe(true);
    expect(world.register.persons.get(key)).toMatchObject({
      record,
      applied: [expect.stringMatching(/^b1#7:new~[\w-]{8}$/)],
    });
    // no alias or review item; the chunk's lease taken once, and let go once the outcomes are out
    expect(world.register.calls.putAlias).toBe(0);
    expect(world.register.reviews.size).toBe(0);
    expect(leases).toHaveBeenCalledTimes(1);
    expect(world.batches.chunkLeases.size).toBe(0);
    expect(await world.files.readLines(objectKeys.outcomes('b1', 0, 0))).toEqual([
      [7, 'new', key, 'F7', [], null, null, null, '|||', '>|||'],
    ]);
  });

  it('puts a worklist line for a form that places nowhere, with its personal fields but never its ID or phone', async () => {
    const world = pipelineFakes();
    const lines = new MemoryRecollections();
    await world.batches.create(batchOf({ chunkCounts: [2] }));
    const withId: PopulationRecord = { ...record, personalId: '001090000123', phone: '0912345678' };
    const placed: PopulationRecord = {
      ...PERSON,
      fullName: 'Lê Thị Mai',
      permanentAddress: 'Xã Ia Kla, Huyện Đức Cơ, Tỉnh Gia Lai',
    };
    await world.files.putLines(objectKeys.chunk('b1', 0, 0), [
      chunkLine({ row: 7, formId: 'F7', identity: personIdentity(withId), record: withId }),
      chunkLine({ row: 8, formId: 'F8', identity: personIdentity(placed), record: placed }),
    ]);
    const result = await registerHandler({
      ...world,
      concurrency: 16,
      linkage: true,
      worklists: { lines, keepDays: 30 },
    })(sqsEvent([{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 0 }]), lambdaContext());
    expect(result.batchItemFailures).toEqual([]);
    // the placed new form has no line; the other is the agency's to place
    expect([...lines.lines.values()]).toEqual([
      expect.objectContaining({
        pk: worklistKeys.unplacedPartition('CA-PLEIKU'),
        kind: 'unplaced',
        batchId: 'b1',
        row: 7,
        formId: 'F7',
        person: { fullName: record.fullName, dateOfBirth: record.dateOfBirth, currentAddress: 'Pleiku' },
      }),
    ]);
    expect(JSON.stringify([...lines.lines.values()])).not.toMatch(/001090000123|0912345678/);
  });
});
