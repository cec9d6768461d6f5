// @mutiroes/worker: the job catalogue (names, payload schemas, policies) producers share, and the worker boot.
export {
  JOB_NAMES,
  jobSchemas,
  jobPolicies,
  isJobName,
  type JobName,
  type JobData,
  type JobPolicy,
} from './domain/job-catalog.js';
export { QUEUE_PREFIX } from './entry-points/jobs/queue-runner.js';
export { keys as telemetryKeys } from './data-access/queue-telemetry.repository.js';
export { startWorker, type WorkerHandle, type StartWorkerOptions } from './start-worker.js';
export { loadConfig, type WorkerConfig } from './config.js';
