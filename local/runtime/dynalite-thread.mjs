// dynalite in a worker thread of its own: it is the local stack's busiest part (every conditional write of
// the register), so it gets a core instead of taking turns with the functions. Plain JavaScript, so that it
// loads the same under tsx, vitest and node. Messages: in `stop`; out `{ port }`, `{ error, code }`, `stopped`.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const { path, port, host } = workerData;
const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once('error', (error) => parentPort.postMessage({ error: error.message, code: error.code }));
server.listen(port, host, () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  server.close(() => parentPort.postMessage('stopped'));
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), 2_000).unref();
});
