// A link pass as the batches table keeps it: one item that records what each step of it has done, so that the
// step that finishes a stage (and only that one) starts the next (shared/ingest/link-pass.ts).

/** `issue` and `report` run only in a pass that issues numbers (issue 20, shared/ingest/link-pass-issue.ts). */
export type PassStage = 'scan' | 'group' | 'decide' | 'issue' | 'report';

/**
 * What a scan segment did: the parts it wrote per partition (0 … parts − 1), the persons it read, and of them the
 * persons without a personal ID it listed for the issue stage.
 */
export interface ScanDone {
  parts: number;
  persons: number;
  unnumbered?: number;
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
/**
 * What an issue step did with the persons its segment listed: numbers issued; persons left for a later pass (merged
 * or numbered since the scan, or on a review list); and the refused by code (no number can be issued: not a
 * Vietnamese citizen, a birth-registration place or year that opens no ID, a full prefix).
 */
export interface IssueDone {
  issued: number;
  waiting: number;
  refused: Record<string, number>;
}
/** The report stage: the batches whose `issued-ids.csv` it wrote. */
export interface ReportDone {
  batches: number;
}
export type StepDone = ScanDone | GroupDone | DecideDone | IssueDone | ReportDone;

export interface LinkPass {
  passId: string;
  segments: number;
  partitions: number;
  /** decide steps: each person's candidates from every partition meet in one of these */
  deciders: number;
  startedAt: string;
  finishedAt?: string;
  status: 'running' | 'done';
  /** whether the pass issues numbers to the persons it leaves without one (the stage's `issueIds`) */
  issues?: boolean;
  scanned: Record<string, ScanDone>;
  grouped: Record<string, GroupDone>;
  decided: Record<string, DecideDone>;
  issued: Record<string, IssueDone>;
  reported: Record<string, ReportDone>;
  /** the stages a step has taken on to start (claimStage): only one does */
  started: PassStage[];
  /** the stages whose messages are sent: a stage started but not sent was interrupted, and is sent again */
  sent: PassStage[];
}

export interface PassSizes {
  segments: number;
  partitions: number;
  deciders: number;
  /** the pass issues numbers after it decides (issue 20) */
  issues?: boolean;
}

/** Where each stage's steps record what they did. */
export const STAGE_DONE = {
  scan: 'scanned',
  group: 'grouped',
  decide: 'decided',
  issue: 'issued',
  report: 'reported',
} as const satisfies Record<PassStage, keyof LinkPass>;

/** A pass as it starts: running, no step done, no stage started. */
export function newLinkPass(passId: string, { issues, ...sizes }: PassSizes, startedAt: string): LinkPass {
  return {
    passId,
    ...sizes,
    ...(issues ? { issues } : {}),
    status: 'running',
    startedAt,
    scanned: {},
    grouped: {},
    decided: {},
    issued: {},
    reported: {},
    started: [],
    sent: [],
  };
}
