// Checks every installed package's `engines.node` against the Node that runs this project's scripts: the `node`
// devDependency's binary, which npm puts first on PATH for every script (postinstall included). npm itself checks
// engines against the Node that runs npm, the system one, so it cannot say whether the code will run; this does.
import { readFileSync } from 'node:fs';
import semver from 'semver';

const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const failures = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  const wanted = entry.engines?.node;
  // optional packages for other platforms are never installed; npm skips their engines too
  if (typeof wanted !== 'string' || entry.optional) continue;
  if (!semver.satisfies(process.version, wanted, { includePrerelease: true })) {
    failures.push(`${path || 'dancu (package.json)'} wants node ${wanted}`);
  }
}
if (failures.length > 0) {
  console.error(
    `Unsupported engine: these packages do not run on node ${process.version} (${process.execPath}):`,
  );
  for (const failure of failures) console.error(`  ${failure}`);
  process.exit(1);
}
