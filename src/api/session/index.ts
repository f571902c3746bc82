import type { Config } from '../../../config/index.js';
import type { Database } from '../../db/database.js';
import { accountsRepo, type SessionUser } from '../../db/accounts-repo.js';
import { serviceSecret } from '../../db/secrets-repo.js';
import { sessionsRepo } from '../../db/sessions-repo.js';
import { sessionService, type SessionService } from '../../services/session-service.js';
import { sessionMiddleware } from './session-middleware.js';
import { redisSignInLimiter } from './sign-in-limiter.js';

/** What the API needs for people signing in: the service, the session middleware and who a session's user is. */
export interface SignInParts {
  service: SessionService;
  middleware: ReturnType<typeof sessionMiddleware>;
  sessionUser(userId: string): Promise<SessionUser | null>;
  close(): Promise<void>;
}

export async function signInParts(db: Database, config: Config): Promise<SignInParts> {
  const limiter = redisSignInLimiter(config);
  // Signs the cookie; shared by every API process through the database, like the media links' secret.
  const secret = await serviceSecret(db, 'session_cookie');
  const accounts = accountsRepo(db);
  return {
    service: sessionService({ db, limiter }),
    middleware: sessionMiddleware({ repo: sessionsRepo(db), secret }),
    sessionUser: (id) => accounts.sessionUser(id),
    close: () => limiter.close(),
  };
}
