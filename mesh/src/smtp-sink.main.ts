// Entry point of the SMTP sink process of the local mesh.
import { startSmtpSink } from './smtp-sink.js';

const smtpPort = Number(process.env['SMTP_PORT']);
const httpPort = Number(process.env['SMTP_HTTP_PORT']);
const sink = await startSmtpSink(smtpPort, httpPort, process.env['SMTP_BIND'] || '127.0.0.1');
process.stdout.write(
  JSON.stringify({ service: 'smtp-sink', msg: 'listening', smtp_port: smtpPort, http_port: httpPort }) + '\n',
);
const stop = () => void sink.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
