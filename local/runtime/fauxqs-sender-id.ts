// fauxqs answers every message's SenderId with "000000000000". In AWS it is the sender's IAM unique id, which the
// status function checks against EVENT_SENDERS; here the access key id of the SendMessage's signature stands in
// for it (as an agency's access key id stands in for its role in S3, account.ts). These hooks remember who sent
// each message and put that sender in the SenderId of every receive.
import type { buildApp } from 'fauxqs';

type FauxqsApp = ReturnType<typeof buildApp>;

/** Senders remembered, oldest forgotten first: a local stack's messages, not a leak over days of `npm start`. */
const REMEMBERED_SENDERS = 100_000;

export function stampSenderIds(app: FauxqsApp): void {
  const senders = new Map<string, string>();
  app.addHook('onSend', async (request, _reply, payload) => {
    const action = request.headers['x-amz-target'];
    if (typeof payload !== 'string' || typeof action !== 'string') return payload;
    if (action === 'AmazonSQS.SendMessage' || action === 'AmazonSQS.SendMessageBatch') {
      const sender = accessKeyIdOf(request.headers.authorization);
      if (!sender) return payload;
      const sent = parse(payload) as
        | { MessageId?: string; Successful?: { MessageId?: string }[] }
        | undefined;
      for (const id of [sent?.MessageId, ...(sent?.Successful ?? []).map((entry) => entry.MessageId)]) {
        if (!id) continue;
        senders.set(id, sender);
        if (senders.size > REMEMBERED_SENDERS) senders.delete(senders.keys().next().value as string);
      }
      return payload;
    }
    if (action !== 'AmazonSQS.ReceiveMessage') return payload;
    const received = parse(payload) as
      | { Messages?: { MessageId?: string; Attributes?: Record<string, string> }[] }
      | undefined;
    let stamped = false;
    for (const message of received?.Messages ?? []) {
      const sender = message.MessageId ? senders.get(message.MessageId) : undefined;
      if (sender && message.Attributes?.SenderId !== undefined) {
        message.Attributes.SenderId = sender;
        stamped = true;
      }
    }
    // the body is a JSON string: parsed and written again it keeps every character, so its MD5 still holds
    return stamped ? JSON.stringify(received) : payload;
  });
}

/** The access key id of a SigV4 `Authorization` header's credential. */
function accessKeyIdOf(authorization: string | undefined): string | undefined {
  return authorization?.match(/Credential=([^/\s]+)\//)?.[1];
}

function parse(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}
