// Types for the parts of the two emulators that ship without declarations and that the local stack uses.

declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in memory without it */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }
  /** An http.Server whose close() also closes the LevelDB store. */
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}

declare module 's3rver' {
  import { EventEmitter } from 'node:events';
  import type { RequestListener } from 'node:http';

  interface S3rverOptions {
    directory?: string;
    silent?: boolean;
    resetOnClose?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }
  /** A Koa app (so an EventEmitter) that emits `event` with an S3 event notification `{ Records: [...] }`. */
  class S3rver extends EventEmitter {
    constructor(options?: S3rverOptions);
    /** Koa's request handler, for a server of one's own (run() never settles when its port is taken) */
    callback(): RequestListener;
  }
  export = S3rver;
}
