/** A use case refusing its input; the API maps the kind to a status. Messages: English, plus Vietnamese. */
export type ServiceErrorKind = 'invalid' | 'conflict' | 'not_found' | 'forbidden';

export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly kind: ServiceErrorKind,
    readonly code: string,
    message: string,
    readonly messageVi: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFoundError = (what: string, vi: string) => new ServiceError('not_found', 'NOT_FOUND', `${what} not found`, `Không tìm thấy ${vi}`);
