// Sends one e-mail over SMTP with nodemailer; an aborted attempt closes the SMTP socket at once.
import nodemailer from 'nodemailer';
import type { EmailContent } from '../domain/email-templates.js';

export interface OutgoingMail extends EmailContent {
  to: string;
  /** Deterministic Message-ID: a re-sent delivery carries the same id, so receivers can dedupe it. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: OutgoingMail, signal?: AbortSignal): Promise<{ messageId: string; response: string }>;
}

export interface SmtpOptions {
  host: string;
  port: number;
  from: string;
  /** Socket inactivity limit (ms). */
  socketTimeoutMs?: number;
}

export class SmtpMailer implements Mailer {
  constructor(private readonly opts: SmtpOptions) {}

  async send(mail: OutgoingMail, signal?: AbortSignal): Promise<{ messageId: string; response: string }> {
    signal?.throwIfAborted();
    // A one-connection pool per message: close() destroys its socket, which is how an abort stops a send mid-way.
    const transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 1,
      host: this.opts.host,
      port: this.opts.port,
      secure: false,
      ignoreTLS: true,
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: this.opts.socketTimeoutMs ?? 10_000,
    });
    const onAbort = () => transport.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const info = await transport.sendMail({
        from: this.opts.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: mail.headers ?? {},
      });
      signal?.throwIfAborted();
      return { messageId: info.messageId, response: String(info.response ?? '') };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      transport.close();
    }
  }
}
