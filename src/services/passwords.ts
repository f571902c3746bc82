import { hash, verify } from '@node-rs/argon2';

// argon2id with the library's defaults (19 MiB, 2 passes): about 50 ms a verification on this kind of machine, so a
// flood of failed sign-ins cannot burn a core (measured by bench/sign-in.ts).
export const hashPassword = (password: string): Promise<string> => hash(password);

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
  dummy ??= hash('not a real password, only for equal timing');
  await verifyPassword(await dummy, password);
  return false;
}
