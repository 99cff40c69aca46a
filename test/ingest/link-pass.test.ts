// The link pass's steps with the in-memory fakes of the ports (the emulator runs in test/integration/link-pass.test.ts):
// how a pass is sized, and that every stage's messages are sent once however often a step runs.
import { describe, expect, it } from 'vitest';
import { type LinkPassDeps, LinkPassMessage, passSizes, runPassStep } from '../../shared/ingest/link-pass.ts';
import { batchKeys } from '../../shared/keys.ts';
import { MemoryFiles } from '../fakes/files.ts';
import { MemoryHistory } from '../fakes/history.ts';
import { MemoryLinkPasses } from '../fakes/link-passes.ts';
import { MemoryRegister } from '../fakes/register.ts';

/** A register whose size estimate says `items`, whatever it holds. */
class SizedRegister extends MemoryRegister {
  constructor(private readonly items: number) {
    super();
  }
  override async estimateItems() {
    return this.items;
  }
}

function setup(items = 1000) {
  const sent: LinkPassMessage[] = [];
  const passes = new MemoryLinkPasses();
  const deps: LinkPassDeps = {
    passes,
    register: new SizedRegister(items),
    history: new MemoryHistory(),
    files: new MemoryFiles(),
    send: async (messages) => void sent.push(...messages),
    segments: 2,
    partitions: 3,
  };
  return { deps, sent, passes };
}

describe('sizing a link pass (passSizes)', () => {
  it('keeps the defaults for a small register', () => {
    expect(passSizes(50_000, { segments: 4, partitions: 16 })).toEqual({
      segments: 4,
      partitions: 16,
      deciders: 16,
    });
  });

  it('sizes a national register so that each group step fits its memory and each scan step its time', () => {
    // 100 M items: partitions of 300 k items, segments of 1.5 M, 64 decide steps
    expect(passSizes(100_000_000, { segments: 4, partitions: 16 })).toEqual({
      segments: 67,
      partitions: 334,
      deciders: 64,
    });
    expect(passSizes(1e10, { segments: 4, partitions: 16 })).toMatchObject({
      segments: 1000,
      partitions: 1000,
    });
  });
});

describe('the steps of a pass', () => {
  it('sizes a pass its message does not size from the register, and sends its scans once', async () => {
    const { deps, sent, passes } = setup(3_000_000);
    await runPassStep({ kind: 'link-start', passId: 'p' }, deps);
    await runPassStep({ kind: 'link-start', passId: 'p', segments: 7, partitions: 7 }, deps);
    expect(passes.passes.get('p')).toMatchObject({ segments: 2, partitions: 10, deciders: 10 });
    expect(sent).toEqual([
      { kind: 'link-scan', passId: 'p', segment: 0 },
      { kind: 'link-scan', passId: 'p', segment: 1 },
    ]);
  });

  it('starts each next stage once, from the step that completes the stage, and ends the pass', async () => {
    const { deps, sent, passes } = setup();
    await runPassStep({ kind: 'link-start', passId: 'p', segments: 2, partitions: 3 }, deps);
    sent.length = 0;
    await runPassStep({ kind: 'link-scan', passId: 'p', segment: 0 }, deps);
    expect(sent).toEqual([]);
    await runPassStep({ kind: 'link-scan', passId: 'p', segment: 1 }, deps);
    // the last segment redelivered: no second round of group messages
    await runPassStep({ kind: 'link-scan', passId: 'p', segment: 1 }, deps);
    expect(sent.map((m) => m.kind)).toEqual(['link-group', 'link-group', 'link-group']);
    for (const partition of [0, 1, 2, 2])
      await runPassStep({ kind: 'link-group', passId: 'p', partition }, deps);
    expect(sent.filter((m) => m.kind === 'link-decide')).toHaveLength(3);
    for (const partition of [0, 1]) {
      expect(await runPassStep({ kind: 'link-decide', passId: 'p', partition }, deps)).toBeUndefined();
    }
    expect(passes.passes.get('p')?.status).toBe('running');
    expect(await runPassStep({ kind: 'link-decide', passId: 'p', partition: 2 }, deps)).toBe('finished');
    expect(passes.passes.get('p')?.status).toBe('done');
    // the last step redelivered: the pass is finished once (its metrics are published once)
    expect(await runPassStep({ kind: 'link-decide', passId: 'p', partition: 2 }, deps)).toBeUndefined();
    expect(passes.passes.get('p')?.scanned).toEqual({
      0: { parts: 1, persons: 0 },
      1: { parts: 1, persons: 0 },
    });
  });

  it('sends a stage again when the step that started it failed before its messages were all sent', async () => {
    const { deps, sent } = setup();
    await runPassStep({ kind: 'link-start', passId: 'p', segments: 1, partitions: 2 }, deps);
    const send = deps.send;
    deps.send = async () => {
      throw new Error('SQS throttled');
    };
    await expect(runPassStep({ kind: 'link-scan', passId: 'p', segment: 0 }, deps)).rejects.toThrow(
      /throttled/,
    );
    deps.send = send;
    // the redelivery: the stage is claimed but not sent, so it is sent now, and only now
    await runPassStep({ kind: 'link-scan', passId: 'p', segment: 0 }, deps);
    await runPassStep({ kind: 'link-scan', passId: 'p', segment: 0 }, deps);
    expect(sent.filter((m) => m.kind === 'link-group')).toHaveLength(2);
  });

  it('starts no second pass while one runs, and the next once it is done', async () => {
    const { deps, sent, passes } = setup();
    expect(await runPassStep({ kind: 'link-start', passId: 'night', segments: 1, partitions: 1 }, deps)).toBe(
      undefined,
    );
    expect(
      await runPassStep({ kind: 'link-start', passId: 'operator', segments: 1, partitions: 1 }, deps),
    ).toBe('busy');
    expect(passes.passes.has('operator')).toBe(false);
    // the night's start redelivered is the same pass, not another
    expect(await runPassStep({ kind: 'link-start', passId: 'night', segments: 1, partitions: 1 }, deps)).toBe(
      undefined,
    );
    for (const kind of ['link-scan', 'link-group', 'link-decide'] as const) {
      const step = kind === 'link-scan' ? { segment: 0 } : { partition: 0 };
      await runPassStep({ kind, passId: 'night', ...step } as LinkPassMessage, deps);
    }
    expect(passes.passes.get('night')?.status).toBe('done');
    expect(
      await runPassStep({ kind: 'link-start', passId: 'operator', segments: 1, partitions: 1 }, deps),
    ).toBe(undefined);
    expect(sent.filter((m) => m.kind === 'link-scan').map((m) => m.passId)).toEqual(['night', 'operator']);
  });

  it('refuses a step of a pass that does not exist, and a start without an id', async () => {
    const { deps } = setup();
    await expect(runPassStep({ kind: 'link-scan', passId: 'nope', segment: 0 }, deps)).rejects.toThrow(
      /nope/,
    );
    await expect(runPassStep({ kind: 'link-start' }, deps)).rejects.toThrow(/id/);
  });
});

describe('a link pass message', () => {
  it("is refused when it names the pass after the current-pass item's key", () => {
    expect(LinkPassMessage.safeParse({ kind: 'link-start', passId: 'CURRENT' }).success).toBe(false);
    expect(LinkPassMessage.safeParse({ kind: 'link-start', passId: 'CURRENT-2' }).success).toBe(true);
    expect(batchKeys.linkPass('CURRENT')).toEqual(batchKeys.currentPass);
  });
});
