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

function emptyScore(): LinkageScore {
  return {
    accepted: 0,
    pairs: 0,
    joined: { right: 0, wrong: 0 },
    reviewed: { right: 0, wrong: 0 },
    conflictsRight: 0,
    probableDuplicates: 0,
    mistakes: [],
  };
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
  const score = emptyScore();
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

/** What the register holds after a link pass: where each merged person points, and the review items. */
export interface MergedRegister {
  mergedInto: ReadonlyMap<string, string>;
  reviews: readonly { personKey: string; candidatePersonKey: string }[];
}

/**
 * A batch registered by exact keys and then linked by a link pass, scored against the truth the same way: a
 * second form is found when its person and its first form's person are one now (merged, or the same key at
 * ingest), or a review item pairs them; a merge is wrong when it put a row with another person's.
 */
export function scoreMergedRegister(
  rows: readonly LinkageRow[],
  ledger: readonly LedgerRow[],
  register: MergedRegister,
): LinkageScore {
  const byRow = new Map(ledger.map((line) => [line.row, line]));
  const final = (key: string) => {
    let at = key;
    for (let hops = 0; hops < 8; hops++) {
      const next = register.mergedInto.get(at);
      if (!next) break;
      at = next;
    }
    return at;
  };
  // whose a key is: the person of the row that created it
  const owner = new Map<string, number>();
  for (const row of rows) {
    const line = byRow.get(row.row);
    if (line?.outcome === 'new' && !owner.has(line.personKey)) owner.set(line.personKey, row.person);
  }
  const reviewed = new Set(
    register.reviews.flatMap(({ personKey, candidatePersonKey }) => {
      const [a, b] = [final(personKey), final(candidatePersonKey)];
      return [`${a} ${b}`, `${b} ${a}`];
    }),
  );
  const score = { ...emptyScore(), probableDuplicates: register.reviews.length };
  for (const row of rows) {
    const line = byRow.get(row.row);
    if (!line || line.outcome === 'rejected') continue;
    score.accepted++;
    const entity = final(line.personKey);
    if (line.outcome !== 'conflict' && owner.get(entity) !== row.person) {
      score.joined.wrong++;
      if (score.mistakes.length < 20) score.mistakes.push(`row ${row.row} merged into another person`);
    }
    const first = row.samePersonAs === undefined ? undefined : byRow.get(row.samePersonAs);
    if (!first || first.outcome === 'rejected') continue;
    score.pairs++;
    const firstEntity = final(first.personKey);
    if (line.outcome === 'conflict') score.conflictsRight++;
    else if (entity === firstEntity) score.joined.right++;
    else if (reviewed.has(`${entity} ${firstEntity}`)) score.reviewed.right++;
    else if (score.mistakes.length < 20)
      score.mistakes.push(`row ${row.row} apart from row ${row.samePersonAs}`);
  }
  score.reviewed.wrong = Math.max(0, score.probableDuplicates - score.reviewed.right);
  return score;
}
