// A link pass that issues numbers (issue 20), on the in-memory fakes of the ports: after it decides, each person it
// leaves without a personal ID gets one when linkage has ruled out that it has one, and each batch whose rows got a
// number gets its `issued-ids.csv` (the emulator runs in test/integration/link-pass-issue.test.ts).
import { describe, expect, it } from 'vitest';
import { checkPersonalId } from '#domain/personal-id.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { createAllocator } from '../../shared/ids/allocator.ts';
import { idPlaceOfWrittenPlace } from '../../shared/ids/prefix.ts';
import {
  type LinkPassDeps,
  type LinkPassMessage,
  passSummary,
  runPassStep,
} from '../../shared/ingest/link-pass.ts';
import { ISSUED_IDS_HEADER, type IssuanceDeps } from '../../shared/ingest/link-pass-issue.ts';
import { objectKeys, passKeys, personKeys, reviewId } from '../../shared/keys.ts';
import type { Batch } from '../../shared/model/batch.ts';
import type { StoredReview } from '../../shared/model/register.ts';
import { MemoryBatches } from '../fakes/batches.ts';
import { MemoryFiles } from '../fakes/files.ts';
import { MemoryHistory } from '../fakes/history.ts';
import { MemoryIdCounters, MemoryIssuedIds } from '../fakes/ids.ts';
import { keyOf, testKeyer } from '../fakes/keyer.ts';
import { MemoryLinkPasses } from '../fakes/link-passes.ts';
import { MemoryRegister } from '../fakes/register.ts';
import { PERSON } from '../fixtures/person.ts';

const AGENCY = 'CA-GIALAI';
const BATCH = 'b-issue-1';
const UPLOAD = objectKeys.upload(AGENCY, 'pleiku.csv');

function batch(batchId: string, objectKey = UPLOAD): Batch {
  const now = new Date().toISOString();
  return {
    batchId,
    agencyCode: AGENCY,
    bucket: 'batches',
    objectKey,
    status: 'completed',
    startedAt: now,
    updatedAt: now,
    partitions: 1,
    checkpoint: { row: 0, offset: 0, chunkSeqs: [], rejectedSeq: 0, unknownColumns: [], invocations: 0 },
  };
}

const person = (fullName: string, fields: Partial<PopulationRecord> = {}): PopulationRecord => ({
  ...PERSON,
  fullName,
  ...fields,
});

function world() {
  const register = new MemoryRegister();
  const files = new MemoryFiles();
  const batches = new MemoryBatches();
  const passes = new MemoryLinkPasses();
  const counters = new MemoryIdCounters();
  const issued = new MemoryIssuedIds();
  const full: string[] = [];
  const queue: LinkPassMessage[] = [];
  const history = new MemoryHistory();
  const issuance: IssuanceDeps = {
    allocator: createAllocator({
      counters,
      issued,
      held: async (number) => register.persons.has(testKeyer.seal(personKeys.identityById(number))),
      issuedBy: 'test-link',
    }),
    issued,
    keyer: async () => testKeyer,
    batches,
    onFull: (prefix) => void full.push(prefix),
  };
  const deps: LinkPassDeps = {
    passes,
    register,
    files,
    send: async (messages) => void queue.push(...messages),
    segments: 2,
    partitions: 2,
    keyer: async () => testKeyer,
    history,
    issuance,
  };
  /** Runs a pass to its end, each message once, or each twice (a redelivery of every step). */
  async function pass(passId: string, times = 1) {
    queue.push({ kind: 'link-start', passId });
    let finished = 0;
    while (queue.length > 0) {
      const message = queue.shift() as LinkPassMessage;
      for (let i = 0; i < times; i++) if ((await runPassStep(message, deps)) === 'finished') finished++;
    }
    expect(finished).toBe(1);
    const done = passes.passes.get(passId);
    if (!done) throw new Error(`no pass ${passId}`);
    return done;
  }
  /** A person as a form's row created it. */
  async function add(record: PopulationRecord, row: number, batchId = BATCH) {
    const key = keyOf(record);
    await register.createPerson(key, record, { batchId, row, agencyCode: AGENCY });
    return key;
  }
  return { register, files, batches, passes, issued, counters, full, issuance, history, deps, pass, add };
}

function review(key: string, row: number, resolution?: StoredReview['resolution']): StoredReview {
  return {
    id: reviewId({ batchId: BATCH, row }),
    agencyCode: AGENCY,
    batchId: BATCH,
    row,
    personKey: key,
    candidatePersonKey: 'p1:nk:someone-else',
    score: 9,
    reasons: [],
    fields: [],
    createdAt: new Date().toISOString(),
    ...(resolution ? { resolution, resolvedAt: new Date().toISOString() } : {}),
  };
}

describe('a link pass that issues numbers', () => {
  it('gives a number to each person linkage has ruled out having one, and lists them beside the batch report', async () => {
    const w = world();
    await w.batches.create(batch(BATCH));
    const alone = await w.add(
      person('Rơ Châm Hyin', { formId: 'DC01-7', dateOfBirth: '2004-05-06', sex: 'female' }),
      7,
    );
    const keptApart = await w.add(person('Kpă Nguyên', { dateOfBirth: '1961-01-02' }), 3);
    const waiting = await w.add(person('Siu Hơ Lan', { sex: 'female' }), 5);
    const foreign = await w.add(person('Wang Fang', { nationality: 'CN' }), 8);
    const nowhere = await w.add(person('Đinh Văn Núp', { birthRegistrationPlace: 'Atlantis' }), 9);
    const withId = person('Nay Blum', { personalId: '064090001234' });
    await w.add(withId, 10);
    await w.register.putReview(review(keptApart, 3, 'keepApart'));
    await w.register.putReview(review(waiting, 5));

    const done = await w.pass('night-1');

    expect(passSummary(done)).toMatchObject({
      issued: 2,
      waiting: 1,
      refused: { ID_NOT_CITIZEN: 1, ID_PLACE_UNKNOWN: 1 },
    });
    expect(Object.values(done.scanned).reduce((n, s) => n + (s.unnumbered ?? 0), 0)).toBe(5);
    for (const key of [alone, keptApart]) {
      const held = await w.register.getPerson(key);
      const number = held?.record.personalId as string;
      // a valid ID for the person's sex, birth year and birth-registration province (Gia Lai, 064)
      expect(
        checkPersonalId(number, 'personal_id', {
          sex: held?.record.sex,
          birthYear: Number(held?.record.dateOfBirth.slice(0, 4)),
        }),
      ).toEqual([]);
      expect(number.slice(0, 3)).toBe('064');
      // the number's ID key leads to the person: a later form with the number joins it
      expect((await w.register.getPerson(testKeyer.seal(personKeys.identityById(number))))?.mergedInto).toBe(
        key,
      );
      expect(held?.applied.at(-1)).toBe('issue#night-1:issued');
      // its history item first, which the person's write names (issue 19)
      const changes = await w.history.list(key);
      const issued = changes.find((change) => change.change === 'issue#night-1');
      expect(issued).toMatchObject({
        outcome: 'updated',
        changes: { personalId: { to: number } },
        by: { kind: 'link-pass', id: 'night-1' },
        passId: 'night-1',
      });
      expect(held?.lastChange).toBe(issued?.sk);
    }
    for (const key of [waiting, foreign, nowhere]) {
      expect((await w.register.getPerson(key))?.record.personalId).toBeUndefined();
    }

    const csv = w.files.text(objectKeys.batchReport(batch(BATCH), 'issued-ids.csv')) as string;
    const rows = csv
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n');
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(rows[0]).toBe(ISSUED_IDS_HEADER);
    const alonesNumber = (await w.register.getPerson(alone))?.record.personalId;
    const keptsNumber = (await w.register.getPerson(keptApart))?.record.personalId;
    expect(rows.slice(1).map((line) => line.split(',').slice(0, 3))).toEqual([
      ['3', '', keptsNumber],
      ['7', 'DC01-7', alonesNumber],
    ]);
    // the batch is not the latest of its name (no claim): its own report only
    expect(w.files.text(objectKeys.latestReport(batch(BATCH), 'issued-ids.csv'))).toBeUndefined();
    expect((await w.batches.get(BATCH))?.issuedIds).toBe(2);
  });

  it('issues once however often its steps run, and a later pass issues only to those a reviewer has ruled on since', async () => {
    const w = world();
    await w.batches.create(batch(BATCH));
    await w.batches.claimLatest(batch(BATCH));
    const first = await w.add(person('Rơ Mah Kim'), 1);
    const second = await w.add(person('Ksor Bi', { sex: 'female' }), 2);
    await w.register.putReview(review(second, 2));

    const done = await w.pass('night-1', 2);
    expect(w.issued.records.size).toBe(1);
    const number = (await w.register.getPerson(first))?.record.personalId;
    // the step run again finds its person numbered, and still reports the batch
    expect(passSummary(done)).toMatchObject({ issued: 1, waiting: 1 });
    const csv = w.files.text(objectKeys.latestReport(batch(BATCH), 'issued-ids.csv'));
    expect(csv?.trimEnd().split('\r\n').slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^1,,${number},`)),
    ]);
    expect(csv).toBe(w.files.text(objectKeys.batchReport(batch(BATCH), 'issued-ids.csv')));
    expect(w.history.of(first)).toHaveLength(1);

    // the reviewer keeps the second apart: the next pass gives it a number, and keeps the first's
    await w.register.resolveReview(AGENCY, reviewId({ batchId: BATCH, row: 2 }), 'keepApart');
    const next = await w.pass('night-2');
    expect(passSummary(next)).toMatchObject({ issued: 1, waiting: 0 });
    expect((await w.register.getPerson(first))?.record.personalId).toBe(number);
    const lines = w.files
      .text(objectKeys.latestReport(batch(BATCH), 'issued-ids.csv'))
      ?.trimEnd()
      .split('\r\n');
    expect(lines?.slice(1).map((line) => line.split(',')[0])).toEqual(['1', '2']);
    expect((await w.batches.get(BATCH))?.issuedIds).toBe(2);
  });

  it('merges two copies of one person and numbers the one it keeps, once', async () => {
    const w = world();
    await w.batches.create(batch(BATCH));
    const record = person('Rah Lan Chung', {
      phone: '0905123456',
      fatherName: 'Rah Lan Hip',
      motherName: 'Siu Hnhan',
    });
    // the second copy written with a slip: the pass finds and merges them, then numbers the person once
    await w.add(record, 1);
    await w.add({ ...record, fullName: 'Ra Lan Chung' }, 2);
    const done = await w.pass('night-1');
    expect(passSummary(done)).toMatchObject({ merged: 1, issued: 1 });
    expect(w.issued.records.size).toBe(1);
  });

  it('fails the person, not the pass, when the prefix is full, and says so', async () => {
    const w = world();
    w.deps.issuance = {
      ...w.issuance,
      allocator: createAllocator({
        counters: w.counters,
        issued: w.issued,
        held: async () => false,
        issuedBy: 'test-link',
        spaceLimit: 2,
      }),
    };
    await w.batches.create(batch(BATCH));
    // three men born in 1980 in Gia Lai: one prefix, 064080, of two numbers
    await w.add(person('Rơ Mah Kim', { dateOfBirth: '1980-01-01', currentAddress: 'Chư Sê' }), 1);
    await w.add(person('Ksor Y Bia', { dateOfBirth: '1980-06-12', currentAddress: 'Ayun Pa' }), 2);
    await w.add(person('Nay Y Blang', { dateOfBirth: '1980-11-23', currentAddress: 'An Khê' }), 3);
    const done = await w.pass('night-1');
    expect(passSummary(done)).toMatchObject({ issued: 2, refused: { ID_PREFIX_FULL: 1 } });
    expect(w.full).toEqual(['064080']);
  });

  it('does not give a person a number another person of the register was given elsewhere meanwhile', async () => {
    const w = world();
    await w.batches.create(batch(BATCH));
    const key = await w.add(person('Rơ Mah Kim'), 1);
    // the allocator's look at the register misses the other person (it arrives just after)
    const allocator = w.issuance.allocator;
    w.deps.issuance = {
      ...w.issuance,
      allocator: {
        async issue(request) {
          const result = await allocator.issue(request);
          if (result.status === 'issued') {
            const other = person('Ksor Bi', { personalId: result.record.number });
            await w.register.createPerson(
              testKeyer.seal(personKeys.identityById(result.record.number)),
              other,
              {
                batchId: 'b-other',
                row: 1,
                agencyCode: AGENCY,
              },
            );
          }
          return result;
        },
      },
    };
    const done = await w.pass('night-1');
    expect(passSummary(done)).toMatchObject({ issued: 0, refused: { ID_HELD_ELSEWHERE: 1 } });
    expect((await w.register.getPerson(key))?.record.personalId).toBeUndefined();
  });

  it('issues nothing in a stage that does not issue: the pass ends when it has decided', async () => {
    const w = world();
    delete w.deps.issuance;
    await w.add(person('Rơ Mah Kim'), 1);
    const done = await w.pass('night-1');
    expect(done?.issues).toBeUndefined();
    expect(w.issued.records.size).toBe(0);
    expect(w.files.keys(passKeys.unnumbered('night-1', 0))).toEqual([]);
  });
});

describe('the ID place of a birth-registration place in words', () => {
  it('is the 2020 province’s code before the 2025 merger; after it, a name that stands for merged provinces waits for a ruling', () => {
    expect(idPlaceOfWrittenPlace('Xã Ia Kha, Huyện Ia Grai, Gia Lai', '1990-03-12')).toEqual({
      placeCode: '064',
    });
    expect(idPlaceOfWrittenPlace('Phường 1, Quận 3, TP Hồ Chí Minh', '2001-01-01')).toEqual({
      placeCode: '079',
    });
    // Gia Lai of 2025 is the 2020 Gia Lai and Bình Định: no ruling names its code yet
    expect(idPlaceOfWrittenPlace('Xã Ia Kha, Gia Lai', '2025-09-01')).toEqual({
      problem: 'ID_PLACE_UNSETTLED',
    });
    // Hà Giang became part of Tuyên Quang: its name after the merger still means the one 2020 province
    expect(idPlaceOfWrittenPlace('Hà Giang', '2025-09-01')).toEqual({ placeCode: '002' });
    expect(idPlaceOfWrittenPlace('Atlantis', '1990-03-12')).toEqual({ problem: 'ID_PLACE_UNKNOWN' });
  });
});
