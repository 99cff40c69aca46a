// How a row or a merge moves a person between communes, for the coverage counters: `{from}>{to}`, each the person's
// places (places.ts) before and after, '' where there is no person (a new one; one merged away). Only a change of an
// address field can move anyone, so the places are worked out only then.
import type { PopulationRecord } from '#domain/record.ts';
import { addressesOf, type Places, placesOf } from './places.ts';

/** The fields placement reads. */
const ADDRESS_FIELDS: ReadonlySet<string> = new Set([
  'permanentAddress',
  'permanentCommuneCode',
  'permanentCommuneCode2025',
  'currentAddress',
  'currentCommuneCode',
  'currentCommuneCode2025',
] satisfies (keyof PopulationRecord)[]);

/** An update's move, `{from}>{to}`; undefined when the person stays where it counted. */
export function moveOf(
  before: PopulationRecord,
  after: PopulationRecord,
  changed: readonly string[],
): string | undefined {
  if (!changed.some((field) => ADDRESS_FIELDS.has(field))) return undefined;
  const from = placesOf(addressesOf(before));
  const to = placesOf(addressesOf(after));
  return from === to ? undefined : `${from}>${to}`;
}

/** A person that begins to count (a new one), or stops (merged into another): `>{to}` or `{from}>`. */
export const arrival = (record: PopulationRecord): string => `>${placesOf(addressesOf(record))}`;
export const departure = (record: PopulationRecord): string => `${placesOf(addressesOf(record))}>`;

/** A move read back: its places before and after, undefined where there is no person. */
export function parseMove(move: string): { from?: Places; to?: Places } {
  const [from = '', to = ''] = move.split('>');
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}
