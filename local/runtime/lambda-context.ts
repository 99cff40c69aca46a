// The `context` Lambda passes a handler: its request id, its names, and the time it has left.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface FunctionIdentity {
  functionName: string;
  region: string;
  memoryMb: number;
  timeoutMs: number;
}

/** A fresh context for one invocation; its clock starts now. */
export function createLambdaContext(fn: FunctionIdentity, awsRequestId: string = randomUUID()): Context {
  const deadline = Date.now() + fn.timeoutMs;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const unsupported = () => {
    throw new Error('callback-style handlers are not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${fn.region}:000000000000:function:${fn.functionName}`,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
