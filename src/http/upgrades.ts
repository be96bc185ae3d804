/**
 * What the HTTP layer tells the subscriptions' server (src/subscriptions/
 * server.ts, to which gateway.ts hands the HTTP server's `upgrade` events)
 * about a WebSocket upgrade: whether the instance drains, whether it sheds
 * load, and each frontend's CORS origins.
 */
import type { UpgradeRules } from '../subscriptions/upgrade';
import type { Cors } from './cors';
import type { Lifecycle } from './lifecycle';
import type { LoadShedder } from './loadShedding';

export interface UpgradeSources {
  lifecycle: Lifecycle;
  shedder: LoadShedder;
  cors: Cors;
}

export function upgradeRules({ lifecycle, shedder, cors }: UpgradeSources): UpgradeRules {
  return {
    accepting: () => !lifecycle.draining,
    overloaded: () => {
      // Asked as a request would be, and released at once: a socket is not a request in flight.
      const admitted = shedder.admit();
      if (admitted.admitted) {
        admitted.release();
        return null;
      }
      return { retryAfterS: admitted.retryAfterS, message: admitted.message };
    },
    originAllowed: (frontend, origin) => cors.allows(frontend, origin),
  };
}
