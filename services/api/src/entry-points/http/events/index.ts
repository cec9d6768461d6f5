// Events routes, mounted at /api/events by app.ts. Owned by API-events (this stub is replaced by theirs).
import express from 'express';
import type { ApiDeps } from '../../../deps.js';

export function createEventsRouter(_deps: ApiDeps): express.Router {
  return express.Router();
}
