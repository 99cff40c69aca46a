// A batch's ledger (outcomes.csv and review.csv, parsed) scored against the linkage generator's ground truth:
// pairwise precision and recall of the joins, and of joins plus review, as bench/linkage reports them offline.
import { filingKeys } from '../../shared/linkage/blocking.ts';
import type { LinkableRecord } from '../../shared/linkage/compare.ts';
import type { LinkageRow } from './linkage.ts';
import type { NoiseKind } from './noise.ts';

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
  /** each second form not found, with its first form's row */
  onMiss?: (row: LinkageRow, first: LinkageRow) => void,
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
    else {
      onMiss?.(row, rows[first.row - 1] as LinkageRow);
      if (score.mistakes.length < 20)
        score.mistakes.push(`row ${row.row} apart from row ${row.samePersonAs}`);
    }
  }
  score.reviewed.wrong = Math.max(0, score.probableDuplicates - score.reviewed.right);
  return score;
}

/** A second form that was not found (neither joined to nor reviewed against its person's first form). */
export interface Miss {
  first: LinkableRecord;
  second: LinkableRecord;
  noise: readonly NoiseKind[];
  /** its person was among the candidates the blocking keys returned (so the scoring lost it); unknown for a pass */
  reachedByBlocking?: boolean;
}

export type MissCause = 'idTypo' | 'idLessNameNoise' | 'other';
const NAME_SLIPS: readonly NoiseKind[] = ['typo', 'ocr', 'phonetic'];

/**
 * Why a second form was missed, as issue 22 sorts them: its valid ID differs from the first form's by one keystroke;
 * it has no ID and its names carry a slip (OCR, typo, phonetic); anything else.
 */
export function missCause(miss: Miss): MissCause {
  if (miss.second.personalId && (miss.noise.includes('idSlip') || miss.noise.includes('idTransposed')))
    return 'idTypo';
  if (!miss.second.personalId && miss.noise.some((kind) => NAME_SLIPS.includes(kind)))
    return 'idLessNameNoise';
  return 'other';
}

/**
 * Misses by cause: how many, how many the blocking lost (no key shared with the first form's) and the scoring lost,
 * the blocking key kinds the pair shares when every kind is filed, and the noise they carry.
 */
export function missBreakdown(misses: readonly Miss[], pairs: number): string[] {
  const lines: string[] = [];
  for (const cause of ['idTypo', 'idLessNameNoise', 'other'] as const) {
    const of = misses.filter((miss) => missCause(miss) === cause);
    if (of.length === 0) {
      lines.push(`${cause}: 0`);
      continue;
    }
    const shared = new Map<string, number>();
    const noise = new Map<string, number>();
    let blocking = 0;
    for (const miss of of) {
      if (miss.reachedByBlocking === false) blocking++;
      const firstKeys = new Set(filingKeys(miss.first, 'all'));
      const kinds = filingKeys(miss.second, 'all')
        .filter((key) => firstKeys.has(key))
        .map((key) => key.slice(0, key.indexOf(':')));
      const label = kinds.length ? [...new Set(kinds)].sort().join('+') : 'none';
      shared.set(label, (shared.get(label) ?? 0) + 1);
      for (const kind of miss.noise) noise.set(kind, (noise.get(kind) ?? 0) + 1);
    }
    const top = (counts: Map<string, number>) =>
      [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
    const reached = of.some((miss) => miss.reachedByBlocking !== undefined)
      ? `; lost in blocking ${blocking}, in scoring ${of.length - blocking}`
      : '';
    lines.push(
      `${cause}: ${of.length} (${((100 * of.length) / Math.max(1, pairs)).toFixed(2)} % of pairs)${reached}`,
      `  keys shared with the first form (every kind filed): ${top(shared)}`,
      `  noise: ${top(noise)}`,
    );
  }
  return lines;
}

/** What the second forms of a generated register carry: the shares issue 22's harder setting is defined by. */
export function describeSetting(rows: readonly LinkageRow[]): string {
  const seconds = rows.filter((row) => row.samePersonAs !== undefined);
  const share = (test: (row: LinkageRow) => boolean) =>
    `${((100 * seconds.filter(test).length) / Math.max(1, seconds.length)).toFixed(1)} %`;
  const first = (row: LinkageRow) => rows[(row.samePersonAs as number) - 1] as LinkageRow;
  return (
    `second forms ${seconds.length} (${((100 * seconds.length) / Math.max(1, rows.length)).toFixed(1)} % of rows): ` +
    `without an ID ${share((row) => !row.record.personalId)}, ` +
    `a valid ID one keystroke off ${share((row) => row.noise.includes('idSlip') || row.noise.includes('idTransposed'))}, ` +
    `name noise (OCR, typo, phonetic) ${share((row) => row.noise.some((kind) => NAME_SLIPS.includes(kind)))}, ` +
    `of it in the full name ${share((row) => row.noise.some((kind) => NAME_SLIPS.includes(kind)) && first(row).record.fullName.normalize('NFC') !== row.record.fullName.normalize('NFC'))}`
  );
}

/** The second forms a link pass left apart from their first form (scoreMergedRegister's misses). */
export function passMisses(
  rows: readonly LinkageRow[],
  ledger: readonly LedgerRow[],
  register: MergedRegister,
): Miss[] {
  const misses: Miss[] = [];
  scoreMergedRegister(rows, ledger, register, (row, first) =>
    misses.push({ first: first.record, second: row.record, noise: row.noise }),
  );
  return misses;
}
