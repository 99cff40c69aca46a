import { describe, expect, it } from 'vitest';
import { parseStage, STAGE_NAMES, stageConfig, stageInput, withStageSettings } from '../../infra/stages.ts';
import { FUNCTIONS } from '../../shared/resources.ts';

describe('infra/stages.ts', () => {
  it('holds dev and prod, each valid', () => {
    expect(STAGE_NAMES).toEqual(['dev', 'prod']);
    for (const name of STAGE_NAMES) expect(stageConfig(name).name).toBe(name);
  });

  it('retains data, protects tables and turns the WAF on in prod only', () => {
    const [dev, prod] = [stageConfig('dev'), stageConfig('prod')];
    expect([dev.retainData, prod.retainData]).toEqual([false, true]);
    expect([dev.http.waf.enabled, prod.http.waf.enabled]).toEqual([false, true]);
    expect(prod.logRetentionDays).toBeGreaterThan(dev.logRetentionDays);
    expect(prod.alarms.functionErrors).toBeLessThanOrEqual(dev.alarms.functionErrors);
  });

  it('refuses an unknown stage, naming the known ones', () => {
    expect(() => stageConfig('staging')).toThrow(/unknown stage "staging": one of dev, prod/);
  });

  it('refuses invalid settings with the path of each', () => {
    const input = { ...structuredClone(stageConfig('dev')), logRetentionDays: 10 };
    expect(() => parseStage(input)).toThrow(/logRetentionDays/);
    const badArn = structuredClone(stageConfig('dev'));
    (badArn.eventSenders[0] as { trustedPrincipals: string[] }).trustedPrincipals = ['arn:aws:iam::*:root'];
    expect(() => parseStage(badArn)).toThrow(/trustedPrincipals/);
    const badCallback = structuredClone(stageConfig('dev'));
    badCallback.signIn.callbackUrls = ['not a url'];
    expect(() => parseStage(badCallback)).toThrow(/callbackUrls/);
    const tooFast = structuredClone(stageConfig('dev'));
    tooFast.functions = { register: { maximumConcurrency: 1 } };
    expect(() => parseStage(tooFast)).toThrow(/maximumConcurrency/);
    const senderTwice = structuredClone(stageConfig('dev'));
    senderTwice.eventSenders.push({
      ...(senderTwice.eventSenders[0] as (typeof senderTwice.eventSenders)[number]),
    });
    expect(() => parseStage(senderTwice)).toThrow(/event sender names must be unique/);
    const noAgency = structuredClone(stageConfig('dev'));
    (noAgency.eventSenders[0] as { agencyCodes: string[] }).agencyCodes = [];
    expect(() => parseStage(noAgency)).toThrow(/agencyCodes/);
    const tooMany = structuredClone(stageConfig('dev'));
    tooMany.eventSenders = Array.from({ length: 6 }, (_, n) => ({
      name: `unit-${n}`,
      unit: 'một cửa',
      agencyCodes: Array.from({ length: 50 }, (_, i) => `000.${n}.${i}.H21`),
      trustedPrincipals: [],
    }));
    expect(() => parseStage(tooMany)).toThrow(/EVENT_SENDERS would not fit/);
  });

  it('holds each stage’s retention, and refuses uploads kept shorter than work files or work files past 14 days', () => {
    for (const name of STAGE_NAMES) {
      const { retention } = stageConfig(name);
      expect(retention.uploadsDays).toBeGreaterThanOrEqual(retention.workDays);
      expect(retention.closedApplicationsDays).toBeGreaterThan(0);
    }
    const dev = structuredClone(stageConfig('dev'));
    expect(() =>
      parseStage({ ...dev, retention: { ...dev.retention, uploadsDays: 1, workDays: 3 } }),
    ).toThrow(/uploadsDays >= workDays/);
    expect(() => parseStage({ ...dev, retention: { ...dev.retention, workDays: 30 } })).toThrow(/workDays/);
  });

  it('tells the status function the stage’s days for closed applications', () => {
    for (const name of STAGE_NAMES) {
      const stage = stageConfig(name);
      expect(withStageSettings(FUNCTIONS.status, stage).environment.CLOSED_APPLICATIONS_DAYS).toEqual({
        value: String(stage.retention.closedApplicationsDays),
      });
    }
  });

  it('lays a stage’s memory and concurrency over the defaults of shared/resources.ts', () => {
    const dev = stageConfig('dev');
    expect(withStageSettings(FUNCTIONS.register, dev).source.maximumConcurrency).toBe(8);
    expect(withStageSettings(FUNCTIONS.register, dev).memoryMb).toBe(FUNCTIONS.register.memoryMb);
    expect(withStageSettings(FUNCTIONS.split, stageConfig('prod'))).toBe(FUNCTIONS.split);
    expect(withStageSettings(FUNCTIONS.link, stageConfig('prod')).source.maximumConcurrency).toBe(128);
  });

  it('sets the register’s LINKAGE from the stage: on only when the register links rows itself', () => {
    expect([stageConfig('dev').linkage, stageConfig('prod').linkage]).toEqual(['on', 'pass']);
    expect(withStageSettings(FUNCTIONS.register, stageConfig('dev')).environment.LINKAGE).toEqual({
      value: 'on',
    });
    expect(withStageSettings(FUNCTIONS.register, stageConfig('prod')).environment.LINKAGE).toEqual({
      value: 'off',
    });
    const off = { ...stageConfig('prod'), linkage: 'off' as const, functions: {} };
    expect(withStageSettings(FUNCTIONS.register, off).environment.LINKAGE).toEqual({ value: 'off' });
    expect(withStageSettings(FUNCTIONS.split, off)).toBe(FUNCTIONS.split);
    expect(() => parseStage({ ...stageConfig('dev'), linkage: 'maybe' })).toThrow(/linkage/);
    expect(() => parseStage({ ...stageConfig('dev'), linkPassSchedule: 'nightly' })).toThrow(
      /linkPassSchedule/,
    );
  });

  it('sets the link pass’s ISSUE_IDS from the stage, and needs linkage for it (issue 20)', () => {
    expect([stageConfig('dev').issueIds, stageConfig('prod').issueIds]).toEqual([true, true]);
    expect(withStageSettings(FUNCTIONS.link, stageConfig('prod')).environment.ISSUE_IDS).toEqual({
      value: 'on',
    });
    const ministry = parseStage({ ...stageInput('prod'), issueIds: false });
    expect(withStageSettings(FUNCTIONS.link, ministry).environment.ISSUE_IDS).toEqual({ value: 'off' });
    // a stage that does not say issues none
    const { issueIds: _, ...silent } = stageInput('prod');
    expect(parseStage(silent).issueIds).toBe(false);
    expect(() => parseStage({ ...stageInput('prod'), linkage: 'off' })).toThrow(/issueIds needs linkage/);
    expect(withStageSettings(FUNCTIONS.register, ministry).environment.ISSUE_IDS).toBeUndefined();
  });

  it('sets the split’s read bounds a stage gives as its SPLIT_ variables, and no others', () => {
    const prod = stageConfig('prod');
    expect(prod.readLimits).toEqual({});
    const wide = parseStage({ ...prod, readLimits: { maxLines: 9_000_000, maxHeaderCells: 2_000 } });
    expect(withStageSettings(FUNCTIONS.split, wide).environment).toMatchObject({
      SPLIT_MAX_LINES: { value: '9000000' },
      SPLIT_MAX_HEADER_CELLS: { value: '2000' },
    });
    expect(withStageSettings(FUNCTIONS.split, wide).environment.SPLIT_MAX_TEXT_BYTES).toBeUndefined();
    expect(withStageSettings(FUNCTIONS.register, wide).environment.SPLIT_MAX_LINES).toBeUndefined();
    expect(() => parseStage({ ...prod, readLimits: { maxLines: 0 } })).toThrow(/readLimits/);
    expect(() => parseStage({ ...prod, readLimits: { maxRows: 5 } })).toThrow(/readLimits/);
  });
});
