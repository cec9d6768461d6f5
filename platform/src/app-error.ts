// Base error with a stable code; HTTP statuses are chosen only at the edge from the code.
export type ErrorLevel = 'warn' | 'error' | 'fatal';

export class AppError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly details?: Record<string, unknown>,
    public readonly level: ErrorLevel = 'warn',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
