// A batch's ledger (outcomes.csv and review.csv, parsed) scored against the linkage generator's ground truth:
// pairwise precision and recall of the joins, and of joins plus review, as bench/linkage reports them offline.
import type { LinkageRow } from './linkage.ts';

export interface LedgerRow {
  row: number;
  outcome: string;
  personKey: string;
}

export interface LinkageScore {
  accepted: number;
  /** second forms whose first form was accepted: the pairs there are to find */
  pairs: number;
  joined: { right: number; wrong: number };
  reviewed: { right: number; wrong: number };
  /** same-ID rows with another identity (the exact-key path's conflicts), of the same person */
  conflictsRight: number;
  probableDuplicates: number;
  /** rows whose outcome disagrees with the truth, the first few, for a test's message */
  mistakes: string[];
}

export function scoreLinkageLedger(
  rows: readonly LinkageRow[],
  ledger: readonly LedgerRow[],
  /** review.csv: row → candidate person key */
  candidates: ReadonlyMap<number, string>,
): LinkageScore {
  const byRow = new Map(ledger.map((line) => [line.row, line]));
  const personOfKey = new Map<string, number>();
  for (const row of rows) {
    const line = byRow.get(row.row);
    if (line && (line.outcome === 'new' || line.outcome === 'probable_duplicate'))
      personOfKey.set(line.personKey, row.person);
  }
  const score: LinkageScore = {
    accepted: 0,
    pairs: 0,
    joined: { right: 0, wrong: 0 },
    reviewed: { right: 0, wrong: 0 },
    conflictsRight: 0,
    probableDuplicates: 0,
    mistakes: [],
  };
  const mistake = (text: string) => {
    if (score.mistakes.length < 20) score.mistakes.push(text);
  };
  for (const row of rows) {
    const line = byRow.get(row.row);
    if (!line || line.outcome === 'rejected') continue;
    score.accepted++;
    const first = row.samePersonAs === undefined ? undefined : byRow.get(row.samePersonAs);
    const isPair = first !== undefined && first.outcome !== 'rejected';
    if (isPair) score.pairs++;
    const heldPerson = personOfKey.get(line.personKey);
    if (line.outcome === 'duplicate' || line.outcome === 'updated') {
      if (heldPerson === row.person) score.joined.right++;
      else {
        score.joined.wrong++;
        mistake(`row ${row.row} joined ${line.personKey}, another person`);
      }
    } else if (line.outcome === 'probable_duplicate') {
      score.probableDuplicates++;
      const candidate = candidates.get(row.row);
      if (candidate !== undefined && personOfKey.get(candidate) === row.person) score.reviewed.right++;
      else score.reviewed.wrong++;
    } else if (line.outcome === 'conflict') {
      if (heldPerson === row.person) score.conflictsRight++;
    } else if (isPair) {
      mistake(`row ${row.row} new, a second form of row ${row.samePersonAs}`);
    }
  }
  return score;
}

export function describeLinkageScore(s: LinkageScore): string[] {
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(4) : 'n/a');
  const found = s.joined.right + s.reviewed.right + s.conflictsRight;
  return [
    `accepted rows ${s.accepted}, pairs to find ${s.pairs}, probable duplicates ${s.probableDuplicates} (${((100 * s.probableDuplicates) / Math.max(1, s.accepted)).toFixed(2)} % of accepted rows)`,
    `auto-merge (joins): precision ${ratio(s.joined.right, s.joined.right + s.joined.wrong)}, recall ${ratio(s.joined.right, s.pairs)} (${s.joined.right} right, ${s.joined.wrong} wrong)`,
    `auto-merge + review: precision ${ratio(found, found + s.joined.wrong + s.reviewed.wrong)}, recall ${ratio(found, s.pairs)}`,
  ];
}
