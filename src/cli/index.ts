import { ConfigError, loadConfig } from '../../config/index.js';
import { DataDirLocked } from '../data-dir-lock.js';
import { openDatabase } from '../runtime.js';
import { ServiceError } from '../services/errors.js';
import { UserInputError } from '../services/user-service.js';
import { StartupRefusal } from '../startup-refusal.js';
import { CliError, describe } from './cli-error.js';
import { parseCommandLine } from './options.js';
import { serviceClient } from './service-client.js';
import { runViaApi } from './via-api.js';
import { runOnDatabase } from './via-database.js';

/**
 * Headless set-up: users, tokens and stations. With --server (or LOAXA_SERVER) every command goes through the running
 * service's API, so it works while the service holds the embedded database, and a token made here works at once.
 * Without it the command opens the database itself, which the embedded database refuses while a service runs.
 */
async function main(): Promise<number> {
  const { command, options } = parseCommandLine(process.argv.slice(2), process.env);
  let result: Record<string, unknown>;
  if (options.server) {
    if (!options.token) {
      throw new CliError('cần mã truy cập của quản trị viên: «--token» hoặc biến ADMIN_TOKEN.', "an administrator's token is needed: --token or ADMIN_TOKEN.");
    }
    result = await runViaApi(serviceClient(options.server, options.token), command, options);
  } else {
    const config = loadConfig();
    let db;
    try {
      db = await openDatabase(config);
    } catch (err) {
      if (err instanceof DataDirLocked) {
        // The way that works while the service runs, spelled out.
        const url = config.http.publicUrl ?? `http://127.0.0.1:${config.http.port}`;
        throw new CliError(
          `${err.messageVi}\nDịch vụ đang giữ cơ sở dữ liệu: chạy lại lệnh qua dịch vụ, thêm --server ${url} và --token (hoặc biến ADMIN_TOKEN).`,
          `${err.message}\nThe service holds the database: run the command through it, adding --server ${url} and --token (or ADMIN_TOKEN).`,
          err.exitCode,
        );
      }
      throw err;
    }
    try {
      result = await runOnDatabase(db, config, command, options);
    } finally {
      await db.close();
    }
  }
  console.log(JSON.stringify(result));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof CliError) {
      console.error(describe(err));
      process.exit(err.exitCode);
    }
    // The disk is full, DATA_DIR is not writable: said plainly, with its own exit code.
    if (err instanceof StartupRefusal) {
      console.error(err.describe());
      process.exit(err.exitCode);
    }
    if (err instanceof ServiceError) {
      console.error(describe({ messageVi: err.messageVi, message: err.message }));
      process.exit(2);
    }
    if (err instanceof UserInputError || err instanceof ConfigError) {
      console.error(describe({ messageVi: `dữ liệu không hợp lệ: ${err.message}`, message: err.message }));
      process.exit(2);
    }
    // Anything else is a fault, not the person's input: one line, and the details only on request.
    console.error(describe({ messageVi: `lỗi ngoài dự kiến: ${(err as Error)?.message ?? String(err)}`, message: `unexpected failure: ${(err as Error)?.message ?? String(err)}` }));
    if (process.env.LOAXA_DEBUG) console.error(err);
    process.exit(1);
  },
);
