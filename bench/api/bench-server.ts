// The API instance the benchmark loads, in its own process so autocannon does not share its event loop.
// Prints `LISTENING <url>` once ready; stops on SIGTERM.
import { startEventsApi } from '../../services/api/src/entry-points/http/events/test-support/events-api.js';

const api = await startEventsApi();
process.stdout.write(`LISTENING ${api.url}\n`);
process.on('SIGTERM', () => {
  void api.close().finally(() => process.exit(0));
});
