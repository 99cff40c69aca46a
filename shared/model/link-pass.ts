// A link pass as the batches table keeps it: one item that records what each step of it has done, so that the
// step that finishes a stage (and only that one) starts the next (shared/ingest/link-pass.ts).

export type PassStage = 'scan' | 'group' | 'decide';

/** What a scan segment did: the parts it wrote per partition (0 … parts − 1) and the persons it read. */
export interface ScanDone {
  parts: number;
  persons: number;
}
export interface GroupDone {
  lines: number;
  candidates: number;
}
export interface DecideDone {
  merged: number;
  reviews: number;
  unchanged: number;
}

export interface LinkPass {
  passId: string;
  segments: number;
  partitions: number;
  /** decide steps: each person's candidates from every partition meet in one of these */
  deciders: number;
  startedAt: string;
  finishedAt?: string;
  status: 'running' | 'done';
  scanned: Record<string, ScanDone>;
  grouped: Record<string, GroupDone>;
  decided: Record<string, DecideDone>;
  /** the stages a step has taken on to start (claimStage): only one does */
  started: PassStage[];
  /** the stages whose messages are sent: a stage started but not sent was interrupted, and is sent again */
  sent: PassStage[];
}

export interface PassSizes {
  segments: number;
  partitions: number;
  deciders: number;
}

/** A pass as it starts: running, no step done, no stage started. */
export function newLinkPass(passId: string, sizes: PassSizes, startedAt: string): LinkPass {
  return {
    passId,
    ...sizes,
    status: 'running',
    startedAt,
    scanned: {},
    grouped: {},
    decided: {},
    started: [],
    sent: [],
  };
}
