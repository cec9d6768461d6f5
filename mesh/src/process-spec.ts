// What the supervisor needs to start, stop and kill one component of the mesh.
export type ComponentKind =
  'consul' | 'redis' | 'sentinel' | 'pg' | 'smtp' | 'api' | 'worker' | 'beat' | 'web' | 'gateway';

export const INFRA_KINDS: ComponentKind[] = ['consul', 'redis', 'sentinel', 'pg', 'smtp'];
export const APP_KINDS: ComponentKind[] = ['api', 'worker', 'beat', 'web', 'gateway'];

export interface ProcessSpec {
  name: string;
  kind: ComponentKind;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  port: number;
  logFile: string;
  /** Run as this user (root only: Postgres refuses to run as root). */
  user?: { uid: number; gid: number };
  /** A file whose first line is the pid of a process that must die with this one on kill (the postmaster). */
  companionPidFile?: string;
  /** Grace between SIGTERM and SIGKILL on stop. */
  stopTimeoutMs: number;
}

export interface ComponentStatus {
  name: string;
  kind: ComponentKind;
  pid: number | null;
  port: number;
  running: boolean;
  restarts: number;
  startedAt: string | null;
  /** Set when the component was stopped on purpose (stop or kill --no-restart). */
  held: boolean;
}
