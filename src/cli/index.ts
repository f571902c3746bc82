import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../config/index.js';
import { openDatabase } from '../runtime.js';
import { StartupRefusal } from '../startup-refusal.js';
import { addToken, assertStationIdFormat, createUserWithToken, UserInputError } from '../services/user-service.js';

const USAGE = `Usage:
  npm run cli -- user:create --name NAME --role admin|editor|operator|viewer [--station STATION_ID] [--label TEXT]
  npm run cli -- token:create --name NAME [--label TEXT]

Uses the same configuration as the service (DATABASE_URL, or the embedded database under DATA_DIR).
The token is printed once; only its hash is stored.`;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  let values: { name?: string; role?: string; station?: string; label?: string };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { name: { type: 'string' }, role: { type: 'string' }, station: { type: 'string' }, label: { type: 'string' } },
    }));
  } catch (err) {
    // An unknown option or one without its value: say so with the usage, not a stack trace.
    console.error(`Error: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!command || !['user:create', 'token:create'].includes(command) || !values.name) {
    console.error(USAGE);
    return 2;
  }
  // Before the database is even opened: a mistyped id answers at once.
  if (values.station !== undefined) assertStationIdFormat(values.station);
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    if (command === 'user:create') {
      if (!values.role) throw new UserInputError('--role is required');
      const { userId, token } = await createUserWithToken(db, { name: values.name, role: values.role, stationId: values.station ?? null, label: values.label });
      console.log(JSON.stringify({ userId, name: values.name, role: values.role, token }));
    } else {
      const token = await addToken(db, values.name, values.label);
      console.log(JSON.stringify({ name: values.name, token }));
    }
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // The service holds the data directory, or its disk is full: said plainly, with its own exit code.
    if (err instanceof StartupRefusal) {
      console.error(`Error: ${err.describe()}`);
      process.exit(err.exitCode);
    }
    if (err instanceof UserInputError || err instanceof ConfigError) {
      console.error(`Error: ${err.message}`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  },
);
