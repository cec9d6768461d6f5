// @mutiroes/contracts: what crosses processes — job names, payload schemas, retry policy, schedule names, access-token checks.
export {
  JOB_NAMES,
  jobSchemas,
  jobPolicies,
  isJobName,
  withJobPolicy,
  type JobName,
  type JobData,
  type JobPayload,
  type JobPolicy,
  type PolicyTarget,
} from './job-catalog.js';
export { scheduleJobs, PROBE_JOB, type ScheduleName } from './schedule-names.js';
export { TOKEN_ALGORITHMS, bearerToken, verifyToken, verifiedClaims, tokenExpired } from './access-token.js';
