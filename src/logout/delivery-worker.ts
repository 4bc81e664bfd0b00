import type { Logger } from 'pino';
import { isDynamicClient } from '../clients/dynamic-client.js';
import type { ClientLookup } from '../clients/types.js';
import type { Clock } from '../lib/clock.js';
import type { BackchannelDeliveryRecord, Storage } from '../storage/types.js';
import type { TokenService } from '../tokens/types.js';
import { deliveryPolicy, nextAttemptAt } from './delivery-policy.js';
import { postLogoutToken, type PostLogoutToken } from './post-logout-token.js';

export interface DeliveryWorkerOptions {
  readonly storage: Pick<Storage, 'backchannelDeliveries'>;
  readonly tokens: Pick<TokenService, 'renewLogoutToken'>;
  readonly clients: ClientLookup;
  readonly clock: Clock;
  readonly log: Logger;
  /** How a token is sent; default: an HTTP POST ({@link postLogoutToken}). */
  readonly post?: PostLogoutToken;
}

/** What one pass did, by delivery. */
export interface DeliveryPass {
  readonly delivered: number;
  readonly retrying: number;
  readonly givenUp: number;
}

/**
 * Delivers the logout tokens `queueBackchannelLogout` put in storage (OpenID Connect
 * Back-Channel Logout 1.0 §2.5): claims the due ones, POSTs each to its client's
 * `backchannel_logout_uri` with a fresh copy of its token, deletes it once delivered, and
 * otherwise retries it on the schedule of `delivery-policy.ts` until it is given up. Because the
 * queue lives in storage, retries survive a restart, and several processes sharing a database
 * never send one delivery twice at once (`claimDue` leases it).
 *
 * A delivery is sent only to the URI the client still registers: one whose client was removed
 * or changed its `backchannel_logout_uri` is dropped. A dynamically registered client's
 * deliveries go to public addresses only (`PostOptions.publicAddressesOnly`); one refused for
 * that is dropped, not retried. Give-ups are logged at warn, failures that will be retried at
 * debug.
 */
export class DeliveryWorker {
  readonly #options: DeliveryWorkerOptions;
  readonly #post: PostLogoutToken;
  readonly #stopping = new AbortController();
  #timer: ReturnType<typeof setInterval> | null = null;
  #pass: Promise<DeliveryPass> | null = null;
  #storageFailing = false;

  constructor(options: DeliveryWorkerOptions) {
    this.#options = options;
    this.#post = options.post ?? postLogoutToken;
  }

  /** Looks for due deliveries every `deliveryPolicy.pollIntervalMs`; the timer keeps no process alive. */
  start(): void {
    if (this.#timer !== null || this.#stopping.signal.aborted) return;
    this.#timer = setInterval(() => void this.runOnce(), deliveryPolicy.pollIntervalMs);
    this.#timer.unref();
  }

  /**
   * Stops the timer and interrupts the requests in flight; their deliveries are due again at
   * once, without counting as an attempt, for the next start. Resolves when the pass under way
   * has put everything back in storage, so storage may be closed after it.
   */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#stopping.abort();
    await this.#pass;
  }

  /**
   * One pass: sends every delivery due now (up to `deliveryPolicy.batchSize`, in parallel) and
   * settles each. A pass already under way is joined rather than overlapped. Never rejects:
   * storage failures are logged at warn and the deliveries are left to their lease.
   */
  runOnce(): Promise<DeliveryPass> {
    if (this.#pass !== null) return this.#pass;
    if (this.#stopping.signal.aborted) return Promise.resolve({ delivered: 0, retrying: 0, givenUp: 0 });
    this.#pass = this.#runPass().finally(() => {
      this.#pass = null;
    });
    return this.#pass;
  }

  async #runPass(): Promise<DeliveryPass> {
    const { storage, clock, log } = this.#options;
    const counts = { delivered: 0, retrying: 0, givenUp: 0, interrupted: 0 };
    let due: BackchannelDeliveryRecord[];
    try {
      due = await storage.backchannelDeliveries.claimDue(
        clock.now(),
        deliveryPolicy.batchSize,
        deliveryPolicy.leaseMs,
      );
    } catch (err) {
      // Once per outage at warn: the worker asks every second.
      if (!this.#storageFailing) log.warn({ err }, 'back-channel logout deliveries could not be read');
      else log.debug({ err }, 'back-channel logout deliveries could not be read');
      this.#storageFailing = true;
      return { delivered: 0, retrying: 0, givenUp: 0 };
    }
    if (this.#storageFailing) log.info('back-channel logout deliveries can be read again');
    this.#storageFailing = false;
    await Promise.all(
      due.map(async (delivery) => {
        try {
          counts[await this.#deliver(delivery)]++;
        } catch (err) {
          // Left to its lease: it is due again once that ends.
          log.warn({ err, client: delivery.clientId }, 'back-channel logout delivery could not be settled');
        }
      }),
    );
    return { delivered: counts.delivered, retrying: counts.retrying, givenUp: counts.givenUp };
  }

  async #deliver(
    delivery: BackchannelDeliveryRecord,
  ): Promise<'delivered' | 'retrying' | 'givenUp' | 'interrupted'> {
    const { storage, tokens, clients, clock, log } = this.#options;
    const store = storage.backchannelDeliveries;
    const context = { client: delivery.clientId, uri: delivery.uri, attempts: delivery.attempts };
    await clients.catchUp?.(delivery.clientId);
    const client = clients.get(delivery.clientId);
    if (client === null || client.backchannelLogoutUri !== delivery.uri) {
      await store.delete(delivery.id);
      log.warn(context, 'back-channel logout given up: the client no longer registers this URI');
      return 'givenUp';
    }
    // The queued token may have outlived its two minutes; the client gets the same event afresh.
    const token = await tokens.renewLogoutToken(delivery.logoutToken);
    if (token === null) {
      await store.delete(delivery.id);
      log.warn(context, 'back-channel logout given up: its token is no longer signed by a key of ours');
      return 'givenUp';
    }
    // Whoever registers a client chooses its URI: never let that reach inside our network.
    const outcome = await this.#post(delivery.uri, token, this.#stopping.signal, {
      publicAddressesOnly: isDynamicClient(client),
    });
    switch (outcome.kind) {
      case 'delivered':
        await store.delete(delivery.id);
        log.debug({ ...context, status: outcome.status }, 'back-channel logout delivered');
        return 'delivered';
      case 'refused':
        await store.delete(delivery.id);
        log.warn({ ...context, reason: outcome.reason }, 'back-channel logout given up: its URI is refused');
        return 'givenUp';
      case 'interrupted':
        await store.reschedule(delivery.id, delivery.attempts, clock.now());
        return 'interrupted';
      case 'failed': {
        const attempts = delivery.attempts + 1;
        const next = nextAttemptAt(attempts, clock.now(), delivery.expiresAt);
        if (next === null) {
          await store.delete(delivery.id);
          log.warn({ ...context, attempts, reason: outcome.reason }, 'back-channel logout given up');
          return 'givenUp';
        }
        await store.reschedule(delivery.id, attempts, next);
        log.debug(
          { ...context, attempts, reason: outcome.reason, retryAt: new Date(next).toISOString() },
          'back-channel logout failed; will retry',
        );
        return 'retrying';
      }
    }
  }
}
