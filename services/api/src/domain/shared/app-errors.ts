// The API's domain errors: each carries a stable code; entry-points/http/error.middleware.ts maps codes to statuses.
import { AppError } from '@mutiroes/platform';

/** Field errors in the contract's shape: `{field: ["message", ...]}`. */
export type FieldErrors = Record<string, string[]>;

export const ErrorCodes = {
  validation: 'validation_failed',
  notAuthenticated: 'not_authenticated',
  authenticationFailed: 'authentication_failed',
  tokenInvalid: 'token_not_valid',
  permissionDenied: 'permission_denied',
  notFound: 'not_found',
  conflict: 'conflict',
  rateLimited: 'rate_limited',
  unavailable: 'service_unavailable',
} as const;

/** 400. Either field errors (`{field: [msg]}`) or one non-field message (`{detail: msg}`). */
export class ValidationError extends AppError {
  constructor(
    public readonly fields: FieldErrors | null,
    message = 'Dados inválidos.',
  ) {
    super(ErrorCodes.validation, message, fields ? { fields } : undefined);
  }
  static field(field: string, message: string): ValidationError {
    return new ValidationError({ [field]: [message] });
  }
  static detail(message: string): ValidationError {
    return new ValidationError(null, message);
  }
}

/** 401: no credentials sent where they are required. */
export class NotAuthenticatedError extends AppError {
  constructor(message = 'As credenciais de autenticação não foram fornecidas.') {
    super(ErrorCodes.notAuthenticated, message);
  }
}

/** 401: credentials sent but wrong (same message for unknown user and wrong password). */
export class AuthenticationFailedError extends AppError {
  constructor(message = 'Nenhuma conta ativa encontrada com as credenciais fornecidas.') {
    super(ErrorCodes.authenticationFailed, message);
  }
}

/** 401: a token that is malformed, expired, of the wrong type or revoked. */
export class TokenInvalidError extends AppError {
  constructor(message = 'O token informado não é válido para nenhum tipo de token.') {
    super(ErrorCodes.tokenInvalid, message);
  }
}

/** 403 */
export class PermissionDeniedError extends AppError {
  constructor(message = 'Você não tem permissão para executar essa ação.') {
    super(ErrorCodes.permissionDenied, message);
  }
}

/** 404 */
export class NotFoundError extends AppError {
  constructor(message = 'Não encontrado.') {
    super(ErrorCodes.notFound, message);
  }
}

/** 409: the change conflicts with the current state (duplicate, concurrent update). */
export class ConflictError extends AppError {
  constructor(message: string, fields?: FieldErrors) {
    super(ErrorCodes.conflict, message, fields ? { fields } : undefined);
  }
}

/** 429; `retryAfterS` becomes the Retry-After header. */
export class RateLimitedError extends AppError {
  constructor(
    public readonly retryAfterS: number,
    message = 'Muitas requisições. Tente novamente mais tarde.',
  ) {
    super(ErrorCodes.rateLimited, message, { retry_after: retryAfterS });
  }
}

/** 503: a dependency (database) is unreachable right now; the client may retry. */
export class ServiceUnavailableError extends AppError {
  constructor(
    message = 'Serviço temporariamente indisponível. Tente novamente.',
    options?: { cause?: unknown },
  ) {
    super(ErrorCodes.unavailable, message, undefined, 'error', options);
  }
}
