import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../../../config/index.js';
import { redisOptions } from '../../queue/queues.js';
import { accountKey, SIGN_IN_LIMITS } from '../../domain/people/sign-in-backoff.js';

/** Counts failed sign-ins per account and per address; the service asks it before checking a password. */
export interface SignInLimiter {
  /** How long this login from this address must still wait (ms), or 0. */
  waitMs(login: string, ip: string): Promise<number>;
  failed(login: string, ip: string): Promise<void>;
  /** A right password clears the account's count (the address keeps its own, or a sprayer would reset it). */
  succeeded(login: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * In Redis, so every API process counts the same failures. If Redis is down, each process counts in its own memory
 * (rate-limiter-flexible's insurance limiter) rather than letting every guess through or refusing everyone.
 */
export function redisSignInLimiter(config: Config): SignInLimiter {
  const redis = new Redis(redisOptions(config.redis.url, false));
  // Errors surface through the calls (and the insurance limiter takes over); without a listener ioredis would crash.
  redis.on('error', () => undefined);
  const make = (name: string, l: { failures: number; windowSec: number }) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.redis.prefix}:sign-in:${name}`,
      points: l.failures,
      duration: l.windowSec,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `sign-in:${name}`, points: l.failures, duration: l.windowSec }),
    });
  const account = make('account', SIGN_IN_LIMITS.perAccount);
  const address = make('address', SIGN_IN_LIMITS.perAddress);
  const limits = [
    [account, SIGN_IN_LIMITS.perAccount.failures],
    [address, SIGN_IN_LIMITS.perAddress.failures],
  ] as const;
  const wait = async (l: RateLimiterRedis, key: string, max: number) => {
    const r = await l.get(key);
    return r && r.consumedPoints >= max ? r.msBeforeNext : 0;
  };
  // A refused consume (already over the limit) is the answer we expect, not an error.
  const count = (l: RateLimiterRedis, key: string) => l.consume(key).then(() => undefined, (err: unknown) => {
    if (!(err instanceof RateLimiterRes)) throw err;
  });
  return {
    async waitMs(login, ip) {
      const [a, b] = await Promise.all([wait(limits[0][0], accountKey(login), limits[0][1]), wait(limits[1][0], ip, limits[1][1])]);
      return Math.max(a, b);
    },
    async failed(login, ip) {
      await Promise.all([count(account, accountKey(login)), count(address, ip)]);
    },
    async succeeded(login) {
      await account.delete(accountKey(login));
    },
    async close() {
      redis.disconnect();
    },
  };
}
