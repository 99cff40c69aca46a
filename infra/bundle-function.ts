// What DancuFunction's asset bundling runs, in a process of its own (the CDK bundles synchronously; esbuild's
// plugins need its asynchronous API): one function's bundle as infra/bundling.ts makes it.
// Usage: node --import tsx infra/bundle-function.ts ENTRY OUTDIR   (from the repository root)
import { bundleFunction } from './bundling.ts';

const [entry, outdir] = process.argv.slice(2);
if (!entry || !outdir) throw new Error('usage: bundle-function ENTRY OUTDIR');
await bundleFunction(entry, outdir);
