// The baseline of bench/cold-start: a handler that does nothing, bundled as the functions are.
export const handler = async () => ({ batchItemFailures: [] });
