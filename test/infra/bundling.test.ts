import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUNDLE_PLUGINS,
  bundleFunction,
  literalSchemaKeys,
  NO_EVENT_STREAMS,
  SDK_CLIENT_PACKAGE,
  SDK_HTTP_PROTOCOL,
  SDK_SCHEMA_MODULE,
  UNITS_DATA_FILE,
  withoutDescription,
  withoutEventStreams,
} from '../../infra/bundling.ts';
import { FUNCTIONS } from '../../shared/resources.ts';

const require = createRequire(import.meta.url);
const CLIENTS = ['@aws-sdk/client-s3', '@aws-sdk/client-sqs', '@aws-sdk/client-dynamodb'];
/** A client's dist-es folder (its package.json "module" points into it). */
const distOf = (client: string) => join(dirname(require.resolve(`${client}/package.json`)), 'dist-es');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dancu-bundling-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Everything a module exports, bundled on its own (with or without the bundles' plugins) and imported. */
async function exportsOf(file: string, plugins: boolean, name: string): Promise<Record<string, unknown>> {
  const outfile = join(dir, `${name}.mjs`);
  await build({
    stdin: { contents: `export * from ${JSON.stringify(file)};`, resolveDir: dirname(file) },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'error',
    plugins: plugins ? BUNDLE_PLUGINS : [],
  });
  return import(pathToFileURL(outfile).href);
}

/** Deep equality through the schemas' thunks (`() => Other$`), which may lead round in circles. */
function sameValue(a: unknown, b: unknown, seen = new Set<unknown>()): boolean {
  if (typeof a === 'function' && typeof b === 'function') {
    if (String(a) !== String(b)) return false;
    if (a.length > 0 || /^class\b/.test(String(a))) return true;
    return sameValue(a(), b(), seen);
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (seen.has(a)) return true;
  seen.add(a);
  if (a instanceof Map && b instanceof Map) return sameValue([...a], [...b], seen);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.join('\n') === Object.keys(b).join('\n') &&
    keys.every((key) =>
      sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], seen),
    )
  );
}

describe('literal schema keys (the SDK clients the functions bundle)', () => {
  it.each(CLIENTS)('leaves no computed key in the schemas of %s', async (client) => {
    const schemas = (await readdir(join(distOf(client), 'schemas'))).map((f) =>
      join(distOf(client), 'schemas', f),
    );
    expect(schemas.length).toBeGreaterThan(0);
    for (const file of schemas) {
      expect(SDK_SCHEMA_MODULE.test(file)).toBe(true);
      const source = await readFile(file, 'utf8');
      expect(source).toMatch(/[{,]\s*\[_\w+\]:/);
      expect(literalSchemaKeys(source)).not.toMatch(/\[_\w+\]:/);
    }
  });

  it.each(CLIENTS)('changes none of the values %s schemas export', async (client) => {
    const file = join(distOf(client), 'schemas', 'schemas_0.js');
    const name = client.replace(/\W/g, '-');
    const [original, rewritten] = await Promise.all([
      exportsOf(file, false, `${name}-original`),
      exportsOf(file, true, `${name}-rewritten`),
    ]);
    expect(Object.keys(rewritten).sort()).toEqual(Object.keys(original).sort());
    expect(Object.keys(original).length).toBeGreaterThan(50);
    for (const key of Object.keys(original)) {
      expect(sameValue(rewritten[key], original[key]), key).toBe(true);
    }
    // and the comparison does tell schemas apart
    expect(sameValue([0, { a: 1 }], [0, { b: 1 }])).toBe(false);
  });

  it('leaves the split bundle only the S3 schemas of the commands it sends', async () => {
    const outdir = join(dir, 'split');
    await bundleFunction(FUNCTIONS.split.entry, outdir, { logLevel: 'error' });
    const bundle = await readFile(join(outdir, 'index.mjs'), 'utf8');
    expect(bundle).toContain('GetObjectRequest');
    expect(bundle).toContain('PutObjectRequest');
    expect(bundle).not.toContain('PutBucketLifecycleConfigurationRequest');
    expect(bundle).not.toContain('SelectObjectContentRequest');
    // the reference data without what describes it (its source), and no commune successors table (issue 14)
    expect(bundle).toContain('codes2025');
    expect(bundle).not.toContain('GSO administrative-unit catalogue');
    expect(bundle).not.toContain('11359:partial');
    // no event-stream support (withoutEventStreams), and not the local stack's text logger
    expect(bundle).toContain('event streams are left out');
    expect(bundle).not.toContain('DANCU_LOG_FORMAT');
  });

  it('drops only the describing keys of a reference-data file', () => {
    const file = JSON.stringify({
      source: 'a circular',
      columns: ['code', 'name'],
      rows: [['001', 'Hà Nội']],
    });
    expect(JSON.parse(withoutDescription(file))).toEqual({ rows: [['001', 'Hà Nội']] });
  });
});

describe('what a bundle carries', () => {
  const inputsOf = async (id: keyof typeof FUNCTIONS) => {
    const { metafile } = await bundleFunction(FUNCTIONS[id].entry, join(dir, `inputs-${id}`), {
      logLevel: 'error',
    });
    return Object.keys(metafile.inputs);
  };

  it('leaves lib-storage, which streams a report in parts, to the finalize bundle', async () => {
    const storage = (inputs: string[]) => inputs.filter((input) => input.includes('@aws-sdk/lib-storage'));
    expect(storage(await inputsOf('finalize')).length).toBeGreaterThan(0);
    for (const id of ['register', 'split', 'link'] as const)
      expect(storage(await inputsOf(id)), id).toEqual([]);
  });

  it('leaves the SQS client to the functions that send or read messages: none in finalize, the watch’s', async () => {
    const sqs = (inputs: string[]) => inputs.filter((input) => input.includes('@aws-sdk/client-sqs'));
    expect(sqs(await inputsOf('finalize'))).toEqual([]);
    expect(sqs(await inputsOf('watch')).length).toBeGreaterThan(0);
  });
});

describe("an SDK client's package.json in a bundle", () => {
  it.each(CLIENTS)('is read for its version alone by %s', async (client) => {
    expect(SDK_CLIENT_PACKAGE.test(require.resolve(`${client}/package.json`))).toBe(true);
    const uses = new Set<string>();
    const walk = async (folder: string): Promise<void> => {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (path.endsWith('.js')) {
          const source = await readFile(path, 'utf8');
          if (!source.includes('package.json')) continue;
          const binding = /import (\w+) from "\.\.?\/(?:\.\.\/)*package\.json"/.exec(source)?.[1];
          expect(binding, path).toBeDefined();
          for (const [, field] of source.matchAll(new RegExp(`\\b${binding}\\.(\\w+)`, 'g')))
            uses.add(field ?? '');
          expect(source.match(new RegExp(`\\b${binding}\\b`, 'g'))?.length, path).toBe(
            1 + (source.match(new RegExp(`\\b${binding}\\.\\w+`, 'g'))?.length ?? 0),
          );
        }
      }
    };
    await walk(distOf(client));
    expect([...uses]).toEqual(['version']);
  });
});

describe('event-stream support left out', () => {
  it('applies to the installed @smithy/core, whose HttpProtocol then refuses an event stream with a reason', async () => {
    const file = join(
      dirname(require.resolve('@smithy/core/package.json')),
      'dist-es/submodules/protocols/HttpProtocol.js',
    );
    expect(SDK_HTTP_PROTOCOL.test(file)).toBe(true);
    const source = await readFile(file, 'utf8');
    expect(source).toContain('await import("@smithy/core/event-streams")');
    const rewritten = withoutEventStreams(source);
    expect(rewritten).not.toMatch(/\bimport\(/);
    expect(rewritten).toContain(
      `const { EventStreamSerde, eventStreamSerdeProvider } = ${NO_EVENT_STREAMS};`,
    );
    // what an event-stream operation would meet
    expect(() => new Function(`return ${NO_EVENT_STREAMS}`)()).toThrow(/event streams are left out/);
  });
});

describe("the units' data beside a bundle", () => {
  it('reads units.json from beside index.mjs on the first call, and inlines none of it', async () => {
    const entry = join(dir, 'units-entry.ts');
    const units = join(process.cwd(), 'shared', 'domain', 'units.ts');
    await writeFile(
      entry,
      `import { childrenOf, unitOf } from ${JSON.stringify(units)};\nexport const name = () => [unitOf(2020, '64')?.name, childrenOf(2025, '52').length];\n`,
    );
    const outdir = join(dir, 'units-bundle');
    await bundleFunction(entry, outdir, { logLevel: 'error' });
    const files = await readdir(outdir);
    expect(files).toContain(UNITS_DATA_FILE);
    const code = await readFile(join(outdir, 'index.mjs'), 'utf8');
    expect(code.length).toBeLessThan(20_000);
    expect(code).not.toContain('Pleiku');
    const bundled = (await import(pathToFileURL(join(outdir, 'index.mjs')).href)) as {
      name: () => unknown[];
    };
    expect(bundled.name()).toEqual(['Tỉnh Gia Lai', 135]);
  });

  it('is not written beside a bundle that never reads the units', async () => {
    const outdir = join(dir, 'no-units-bundle');
    await bundleFunction(FUNCTIONS.status.entry, outdir, { logLevel: 'error' });
    expect(await readdir(outdir)).not.toContain(UNITS_DATA_FILE);
  });
});
