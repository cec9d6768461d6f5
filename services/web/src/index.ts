// @mutiroes/web: the web app volunteers and organisers use (server-rendered, behind the gateway at `/`).
export { startWebServer, loadServerBuild, WEB_VERSION, type RunningWeb, type StartOptions } from './main.js';
export { loadConfig, type WebConfig } from './config.js';
