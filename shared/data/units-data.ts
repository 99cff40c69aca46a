// The administrative units' data (shared/data/units.json, 393 KB), read where it is first needed. In a function
// bundle this module is replaced (infra/bundling.ts, UNITS_DATA_MODULE): the JSON ships as a file beside index.mjs
// and is read and parsed on the first call, so the functions that place addresses or name units keep the data out
// of the code V8 parses at every cold start.
import data from './units.json' with { type: 'json' };

export type UnitsData = typeof data;

export const unitsData = (): UnitsData => data;
