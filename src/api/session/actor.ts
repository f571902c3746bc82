import type { Request } from 'express';
import type { Principal } from '../auth.js';
import type { Actor, RequestContext } from '../../services/session-service.js';

export const actorOf = (p: Principal): Actor => ({ userId: p.userId, login: p.login, name: p.name, role: p.role, areaPath: p.areaPath });

export const contextOf = (req: Request): RequestContext => ({ ip: req.ip ?? null, requestId: typeof req.id === 'string' ? req.id : req.id !== undefined ? String(req.id) : null });
