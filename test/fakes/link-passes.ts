// The link passes in memory, implementing the LinkPasses port as shared/store/link-pass-store.ts does on DynamoDB
// (test/contracts holds both to the same contract).
import type * as model from '../../shared/model/link-pass.ts';
import { newLinkPass, STAGE_DONE } from '../../shared/model/link-pass.ts';
import type { LinkPasses } from '../../shared/model/ports.ts';

export class MemoryLinkPasses implements LinkPasses {
  readonly passes = new Map<string, model.LinkPass>();
  current: { passId: string; until: number } | undefined;

  private pass(passId: string): model.LinkPass {
    const pass = this.passes.get(passId);
    if (!pass)
      throw Object.assign(new Error(`no pass ${passId}`), { name: 'ConditionalCheckFailedException' });
    return pass;
  }

  async create(passId: string, sizes: model.PassSizes): Promise<boolean> {
    if (this.passes.has(passId)) return false;
    this.passes.set(passId, newLinkPass(passId, sizes, new Date().toISOString()));
    return true;
  }

  async get(passId: string): Promise<model.LinkPass | undefined> {
    return structuredClone(this.passes.get(passId));
  }

  async stepDone(passId: string, stage: model.PassStage, step: number, result: model.StepDone) {
    const pass = this.pass(passId);
    (pass[STAGE_DONE[stage]] as Record<string, unknown>)[String(step)] = structuredClone(result);
    return structuredClone(pass);
  }

  async claimStage(passId: string, stage: model.PassStage): Promise<boolean> {
    const pass = this.passes.get(passId);
    if (!pass || pass.started.includes(stage)) return false;
    pass.started.push(stage);
    return true;
  }

  async markSent(passId: string, stage: model.PassStage): Promise<void> {
    const pass = this.pass(passId);
    if (!pass.sent.includes(stage)) pass.sent.push(stage);
  }

  async takeCurrent(passId: string, now: number, until: number): Promise<boolean> {
    const current = this.current;
    if (current && current.passId !== passId && current.until >= now) return false;
    this.current = { passId, until };
    return true;
  }

  async finish(passId: string): Promise<boolean> {
    const pass = this.pass(passId);
    const first = pass.status !== 'done';
    if (first) {
      pass.status = 'done';
      pass.finishedAt = new Date().toISOString();
    }
    if (this.current?.passId === passId) this.current = undefined;
    return first;
  }
}
