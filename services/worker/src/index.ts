// @mutiroes/worker: the worker boot and its queue keys (the job contract itself is @mutiroes/contracts).
export { QUEUE_PREFIX } from './entry-points/jobs/queue-runner.js';
export { keys as telemetryKeys } from './data-access/queue-telemetry.repository.js';
export { startWorker, type WorkerHandle, type StartWorkerOptions } from './start-worker.js';
export { loadConfig, type WorkerConfig } from './config.js';
