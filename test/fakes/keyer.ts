// One fixed person-key secret for unit tests: keys are stable across runs, so a test can name the key it expects.
import { personKey as sealedKey } from '#domain/identity.ts';
import { hmacKeyer } from '#domain/person-keyer.ts';
import type { PopulationRecord } from '#domain/record.ts';

export const testKeyer = hmacKeyer('a test secret, never a deployed one: 32+ bytes', 1);

/** The person key the register would give `record` under the test secret. */
export const keyOf = (record: PopulationRecord) => sealedKey(record, testKeyer);
