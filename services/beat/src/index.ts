// @mutiroes/beat: schedules, tick planning and the beat boot (for tests that run beats in-process).
export { buildSchedules, type BeatSchedule } from './domain/schedule-catalog.js';
export { dueTicks, tickKey, cronFor } from './domain/tick-planner.js';
export { startBeat, type BeatHandle } from './start-beat.js';
export { loadConfig, type BeatConfig } from './config.js';
export { BEAT_STATE_KEY, beatInstanceKey } from './entry-points/scheduler.js';
