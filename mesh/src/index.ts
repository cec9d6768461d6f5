// The local mesh launcher as a library: used by the CLI, the integration tests and the drills.
export { Mesh, connectMesh, portOpen, type UpOptions, type Progress } from './mesh.js';
export { resolveProfile, portsFor, type Profile, type MeshPorts } from './profile.js';
export type { ComponentStatus, ComponentKind } from './process-spec.js';
export { builtMain, ensureServiceBuild, ensureWebBuild, nodeFlagsOf, webBuildIsCurrent } from './build.js';
export { startSmtpSink, type SmtpSink, type SinkMessage } from './smtp-sink.js';
export { launchChromium, CHROMIUM_PATH } from './browser.js';
