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
const { REQUEST_ID } = InvokeStoreBase.PROTECTED_KEYS;

let store: Promise<InvokeStoreBase> | undefined;

/**
 * The process's invoke store, one per invocation. The first caller fixes its kind for the whole process (the AWS
 * SDK asks for it on every request), so the local stack makes it before its first SDK call.
 */
function invokeStore(): Promise<InvokeStoreBase> {
  store ??= InvokeStore.getInstanceAsync(true);
  return store;
}

/** Whether each invocation keeps its own store: false if an SDK call made the process's one shared store first. */
export async function prepareInvocations(): Promise<boolean> {
  const invocations = await invokeStore();
  return invocations.run({ [REQUEST_ID]: 'outer' }, () => {
    invocations.run({ [REQUEST_ID]: 'inner' }, () => undefined);
    return invocations.getRequestId() === 'outer';
  });
}

/**
 * The handler's result, run in a store of its own with the context's request id. Once one invocation ran, the
 * Powertools logger refuses to write outside an invocation ("No context available"): log from handlers only.
 */
export async function invokeAlone<T>(context: Context, run: () => T | Promise<T>): Promise<T> {
  const invocations = await invokeStore();
  // only now: the handlers' modules make their Powertools instances outside any invocation, as they load
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= LOCAL_MAX_CONCURRENCY;
  return invocations.run({ [REQUEST_ID]: context.awsRequestId }, async () => run());
}
