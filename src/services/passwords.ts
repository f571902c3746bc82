import { hash, verify } from '@node-rs/argon2';

// argon2id, 19 MiB (the library's default memory) and 10 passes: the defaults' 2 passes verified in ~15 ms here; 10
// bring a verification to ~60 ms (bench/sign-in.ts), so a flood of failed sign-ins cannot go fast or burn a core,
// while the memory per concurrent sign-in stays 19 MiB. Hashes made with other parameters still verify (they are in
// the hash string).
export const PASSWORD_HASH_OPTIONS = Object.freeze({ memoryCost: 19_456, timeCost: 10, parallelism: 1 });

export const hashPassword = (password: string): Promise<string> => hash(password, PASSWORD_HASH_OPTIONS);

/** False for a wrong password and for a malformed stored hash alike: a sign-in only needs yes or no. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

// Verified when the login does not exist, so the answer takes as long either way (no account enumeration by timing).
let dummy: Promise<string> | null = null;
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummy ??= hash('not a real password, only for equal timing', PASSWORD_HASH_OPTIONS);
  await verifyPassword(await dummy, password);
  return false;
}
