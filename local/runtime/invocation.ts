// How the local stack runs one invocation: in its own Lambda invoke store, as Lambda's Node.js runtime does when it
// runs concurrent invocations in one process (Lambda Managed Instances). Every function's handlers share this
// process and its one Powertools logger and batch processor per function; with AWS_LAMBDA_MAX_CONCURRENCY set,
// Powertools keeps their per-invocation state (Lambda context, appended keys, correlation id, the batch's records)
// in the store, so a line carries the function name and request id of the invocation that wrote it.
// In AWS (on-demand Lambda, one invocation per process) the variable is unset and nothing of this runs.
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';

// any value turns Powertools' per-invocation stores on; the number itself is not read
const LOCAL_MAX_CONCURRENCY = '64';

let store: Promise<InvokeStoreBase> | undefined;

async function invokeStore(): Promise<InvokeStoreBase> {
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= LOCAL_MAX_CONCURRENCY;
  store ??= InvokeStore.getInstanceAsync(true);
  return store;
}

/**
 * The handler's result, run in a store of its own with the context's request id. Once one invocation ran, the
 * Powertools logger refuses to write outside an invocation ("No context available"): log from handlers only.
 */
export async function invokeAlone<T>(context: Context, run: () => T | Promise<T>): Promise<T> {
  const invocations = await invokeStore();
  const { REQUEST_ID } = InvokeStoreBase.PROTECTED_KEYS;
  return invocations.run({ [REQUEST_ID]: context.awsRequestId }, async () => run());
}
