// Test child: the real hall service (server/hall/main.ts) in its own process, with the
// fault-injecting fs layer installed over node:fs for the journal's and snapshot's files when
// HALLDESK_TEST_FAULT_SEED is set (rate HALLDESK_TEST_FAULT_RATE), armed once the service
// listens (recovery reads a real disk). Killed with SIGKILL by tests.
import { faultFs, installFaultFs } from './faultFs';

const seed = process.env.HALLDESK_TEST_FAULT_SEED;
const layer = seed
  ? faultFs(Number(seed), { rate: Number(process.env.HALLDESK_TEST_FAULT_RATE ?? 0.05) })
  : null;
if (layer) {
  layer.armed = false;
  installFaultFs(layer);
}
await import('../../server/hall/main'); // resolves once the service listens
if (layer) layer.armed = true;
