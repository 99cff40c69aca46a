// How every Lambda function is bundled, in one place: DancuFunction runs bundleFunction (through
// infra/bundle-function.ts) and bench/cold-start.ts calls it directly, so the sizes and load times the bench reports
// are those deployed.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, type BuildResult, build, type Plugin } from 'esbuild';

/** esbuild's target; it must name the same Node major as the function runtime (FUNCTION_RUNTIME). */
const ESBUILD_TARGET = 'node24';

/** CommonJS dependencies inside an ESM bundle still call require(). */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * Modules replaced in every bundle, paths relative to the repository root (bundleFunction runs esbuild there).
 * Lambda hands a function its credentials in the environment, so the SDK's default chain is only that.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './shared/aws/lambda-credentials.ts',
};

/**
 * A function's NODE_OPTIONS, as DancuFunction deploys it and bench/cold-start starts it: an old-space limit where
 * the spec sets one, and no `--enable-source-maps`. Node reads and parses a bundle's source map as it loads the
 * bundle when that flag is on, a cost to every cold start (docs/benchmarks.md) for stack traces in TypeScript
 * positions, which this code hardly logs (errors are logged by name); the maps still ship beside the bundles, for decoding a stack
 * trace by hand (docs/operations.md).
 */
export function functionNodeOptions(maxHeapMb?: number): string | undefined {
  return maxHeapMb ? `--max-old-space-size=${maxHeapMb}` : undefined;
}

/** The esbuild build options of a function bundle (besides entry, output and BUNDLE_PLUGINS). */
const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: ESBUILD_TARGET,
  mainFields: ['module', 'main'],
  minify: true,
  // external files, beside the bundle and not loaded by it (functionNodeOptions)
  sourcemap: true,
  sourcesContent: false,
  // the SDK too, so Lambda runs the client versions pinned in package-lock.json that we tested
  external: [],
  alias: { ...BUNDLE_ALIASES },
  banner: { js: ESM_REQUIRE_BANNER },
  // the local stack's readable log lines (functions/commons/logger.ts) never run in Lambda: with their switch
  // defined away, esbuild drops the branch and the text logger with it (about 3 KB of every bundle)
  define: { 'process.env.DANCU_LOG_FORMAT': 'undefined' },
  // Vietnamese text (messages, field labels, place names) as UTF-8 rather than \uXXXX escapes: Node reads a bundle
  // as UTF-8, and an escape takes 6 bytes where the letter takes 2 or 3
  charset: 'utf8',
};

/** An AWS SDK client's generated schemas (every operation's input, output and errors). */
export const SDK_SCHEMA_MODULE =
  /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/**
 * A schema module with each computed key `{ [_hH]: … }` written as the string constant it names (`const _hH =
 * "httpHeader";` in the same module): esbuild keeps an unused top-level value whose object literal has a computed
 * key (it cannot tell that the key has no side effect), so every operation's schema stayed in the bundle
 * (docs/benchmarks.md); with literal keys only the schemas of the commands a function sends are left.
 */
export function literalSchemaKeys(source: string): string {
  const strings = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)) {
    if (name && literal) strings.set(name, literal);
  }
  return source.replace(/([{,]\s*)\[(_\w+)\]:/g, (key, before: string, name: string) => {
    const literal = strings.get(name);
    return literal === undefined ? key : `${before}${literal}:`;
  });
}

/** An AWS SDK client's package.json, which its runtime config imports whole for the `version` alone. */
export const SDK_CLIENT_PACKAGE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/;

/** The SDK module that loads event-stream support with `await import()` (for S3's SelectObjectContent). */
export const SDK_HTTP_PROTOCOL =
  /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]protocols[\\/]HttpProtocol\.js$/;
const EVENT_STREAMS_IMPORT = 'await import("@smithy/core/event-streams")';

/** What an event-stream operation meets in a dancu bundle, in place of the support left out. */
export const NO_EVENT_STREAMS =
  '(() => { throw new Error("event streams are left out of dancu\'s bundles (infra/bundling.ts)"); })()';

/**
 * HttpProtocol without event-stream support, which it loads with `await import()` for the operations that stream
 * events (S3's SelectObjectContent, Kinesis' SubscribeToShard) and no dancu function calls. Left in, the module cost
 * 10 KB of every bundle with an S3 or SQS client, and its dynamic import made esbuild wrap 176 of @smithy/core's
 * modules in lazy initialisers that V8 parsed twice at every start (docs/benchmarks.md, "Event streams"). Left out,
 * such an operation fails at once with a message that says why (test/infra/bundling.test.ts).
 */
export function withoutEventStreams(source: string): string {
  return source.replace(EVENT_STREAMS_IMPORT, NO_EVENT_STREAMS);
}

/** The project's reference data (shared/data/*.json). */
export const REFERENCE_DATA = /[\\/]shared[\\/]data[\\/][^\\/]+\.json$/;

/**
 * A reference-data file without the keys that describe it for a reader of the repository (`source`, `columns`):
 * no code reads them, and they were 1.3 KB of every bundle that validates a record (docs/benchmarks.md).
 */
export function withoutDescription(json: string): string {
  const { source: _source, columns: _columns, ...data } = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify(data);
}

/** The module that hands out the units' data (shared/data/units-data.ts). */
export const UNITS_DATA_MODULE = /(^|[\\/])shared[\\/]data[\\/]units-data\.ts$/;
/** The file beside a bundle that holds the units' data, when the bundle reads them. */
export const UNITS_DATA_FILE = 'units.json';

/**
 * units-data.ts as a bundle runs it: the 393 KB of units.json read from the file beside index.mjs on the first call,
 * not inlined into the bundle, whose every byte V8 parses at every cold start (docs/benchmarks.md, "Units data").
 */
const UNITS_DATA_READER = `import { readFileSync } from 'node:fs';
let data;
export const unitsData = () => (data ??= JSON.parse(readFileSync(new URL('./${UNITS_DATA_FILE}', import.meta.url), 'utf8')));
`;

/**
 * Rewrites of the SDK's modules and of the reference data that change how esbuild bundles them and nothing the code
 * does (test/infra/bundling.test.ts).
 */
export const BUNDLE_PLUGINS: Plugin[] = [
  {
    name: 'dancu-sdk-modules',
    setup(esbuild) {
      esbuild.onLoad({ filter: SDK_SCHEMA_MODULE }, async ({ path }) => ({
        contents: literalSchemaKeys(await readFile(path, 'utf8')),
        loader: 'js',
      }));
      esbuild.onLoad({ filter: SDK_HTTP_PROTOCOL }, async ({ path }) => ({
        contents: withoutEventStreams(await readFile(path, 'utf8')),
        loader: 'js',
      }));
      // the dependencies, scripts and such of each client's package.json: only its name and version are read
      esbuild.onLoad({ filter: SDK_CLIENT_PACKAGE }, async ({ path }) => {
        const { name, version } = JSON.parse(await readFile(path, 'utf8')) as {
          name: string;
          version: string;
        };
        return { contents: JSON.stringify({ name, version }), loader: 'json' };
      });
      esbuild.onLoad({ filter: UNITS_DATA_MODULE }, () => ({ contents: UNITS_DATA_READER, loader: 'js' }));
      esbuild.onLoad({ filter: REFERENCE_DATA }, async ({ path }) => ({
        contents: withoutDescription(await readFile(path, 'utf8')),
        loader: 'json',
      }));
    },
  },
];

/**
 * Bundles one function as deployed: `{outdir}/index.mjs` and its source map, run from the repository root
 * (`cwd`), where BUNDLE_ALIASES point.
 */
export async function bundleFunction(
  entry: string,
  outdir: string,
  options: Pick<BuildOptions, 'metafile' | 'logLevel' | 'absWorkingDir'> = {},
): Promise<BuildResult<{ metafile: true }>> {
  const result = (await build({
    ...BUNDLE_OPTIONS,
    plugins: BUNDLE_PLUGINS,
    entryPoints: [entry],
    outfile: join(outdir, 'index.mjs'),
    metafile: true,
    logLevel: 'warning',
    ...options,
  })) as BuildResult<{ metafile: true }>;
  // the units' data beside the bundle, for the bundles that read it
  if (Object.keys(result.metafile.inputs).some((input) => UNITS_DATA_MODULE.test(input))) {
    const root = options.absWorkingDir ?? process.cwd();
    const json = await readFile(join(root, 'shared', 'data', UNITS_DATA_FILE), 'utf8');
    await writeFile(join(outdir, UNITS_DATA_FILE), withoutDescription(json));
  }
  return result;
}
