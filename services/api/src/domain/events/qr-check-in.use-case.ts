// QR check-in and check-out with measured hours (issue #16 item 2, ADR 0014). Organisers show a rotating
// event code; participants scan it. A participant shows a single-use personal code; an organiser scans it.
// Every change runs with the event row locked, like the other participant changes.
import QRCode from 'qrcode';
import type { EventRow } from '../../data-access/events/event.repository.js';
import type { ParticipantRecord } from '../../data-access/events/participant.repository.js';
import { NotFoundError, PermissionDeniedError, ValidationError } from '../shared/app-errors.js';
import { toSaoPauloIso } from '../shared/sao-paulo-time.js';
import type { Actor, EventsContext, TxConn } from './events-context.js';
import { isCheckInOpen } from './event-rules.js';
import { participantView } from './event-views.js';
import {
  CODE_MESSAGES,
  CODE_WINDOW_S,
  deriveCodeKey,
  expiresAt,
  signEventCode,
  signPersonalCode,
  verifyCode,
  windowOf,
  type CodeAction,
  type ParsedCode,
} from './check-in-codes.js';

const WINDOW_MESSAGE = 'Fora da janela de check-in: de 1 hora antes do início até o término do evento.';

const codeError = (message: string) => ValidationError.field('code', message);

export interface ShownCode {
  code: string;
  action?: CodeAction;
  /** Seconds between rotations. */
  rotates_every_s: number;
  expires_at: string;
  /** The QR code as SVG (rendered here: nothing is fetched from third parties). */
  svg: string;
}

export class QrCheckIn {
  private readonly key: Buffer;

  constructor(
    private readonly ctx: EventsContext,
    jwtSecret: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.key = deriveCodeKey(jwtSecret);
  }

  /** Organisers: the current event code for `action`, only inside the check-in window. */
  async eventCode(actor: Actor, eventId: number, action: CodeAction): Promise<ShownCode> {
    const conn = this.ctx.primary();
    const event = await this.ctx.events.findVisible(conn, eventId, actor.id);
    if (!event) throw new NotFoundError('Evento não encontrado.');
    if (!(await this.ctx.organizes(conn, event, actor)))
      throw new PermissionDeniedError('Apenas os organizadores exibem o QR code de presença.');
    this.assertOpen(event);
    const w = windowOf(this.clock());
    return this.shown(signEventCode(this.key, eventId, action, w), w, action);
  }

  /** A confirmed participant: a fresh single-use personal code, only inside the check-in window. */
  async personalCode(actor: Actor, eventId: number): Promise<ShownCode> {
    const conn = this.ctx.primary();
    const event = await this.ctx.events.findVisible(conn, eventId, actor.id);
    if (!event) throw new NotFoundError('Evento não encontrado.');
    const p = await this.ctx.participants.findByUser(conn, eventId, actor.id);
    if (!p || p.status !== 'confirmed')
      throw ValidationError.detail('Apenas participantes confirmados têm QR code pessoal.');
    this.assertOpen(event);
    const w = windowOf(this.clock());
    return this.shown(signPersonalCode(this.key, eventId, actor.id, w), w);
  }

  /** A participant read the organisers' event code: checks the caller in or out, as the code says. */
  async scanEventCode(actor: Actor, eventId: number, raw: string) {
    return this.ctx.write(actor, async (c) => {
      const event = await this.lockVisible(c, actor, eventId);
      const code = this.verified(raw, eventId);
      if (code.kind !== 'event') throw codeError('Este é um QR code pessoal: quem o lê é o organizador.');
      this.assertOpen(event);
      const p = await this.ctx.participants.findByUser(c, eventId, actor.id);
      if (!p || p.status !== 'confirmed') throw codeError('Você não é participante confirmado deste evento.');
      await this.apply(c, p, code.action);
      return this.answer(c, code.action, eventId, p.id);
    });
  }

  /**
   * An organiser read a participant's personal code: check-in if not yet in, else check-out. Each personal
   * code counts once (a second read of the same code is a replay).
   */
  async scanPersonalCode(actor: Actor, eventId: number, raw: string) {
    return this.ctx.write(actor, async (c) => {
      const event = await this.lockVisible(c, actor, eventId);
      if (!(await this.ctx.organizes(c, event, actor)))
        throw new PermissionDeniedError('Apenas os organizadores leem o QR code dos participantes.');
      const code = this.verified(raw, eventId);
      if (code.kind !== 'personal')
        throw codeError('Este é o QR code do evento: o participante é quem o lê.');
      this.assertOpen(event);
      const p = await this.ctx.participants.findByUser(c, eventId, code.userId);
      if (!p || p.status !== 'confirmed')
        throw codeError('Esta pessoa não é participante confirmada deste evento.');
      if (!(await this.ctx.participants.recordCodeUse(c, eventId, code.mac)))
        throw codeError('Este QR code já foi usado: peça ao participante para atualizar a página.');
      const action: CodeAction = p.checked_in ? 'check_out' : 'check_in';
      await this.apply(c, p, action);
      return this.answer(c, action, eventId, p.id);
    });
  }

  /** Organisers: set a participant's hours by hand (null: back to the measured hours). */
  async correctHours(actor: Actor, eventId: number, participantId: number, hours: number | null) {
    return this.ctx.write(actor, async (c) => {
      const event = await this.ctx.events.lockById(c, eventId);
      const organizes = event ? await this.ctx.organizes(c, event, actor) : false;
      if (!event || (!organizes && !(await this.ctx.events.findVisible(c, eventId, actor.id))))
        throw new NotFoundError('Participante não encontrado.');
      if (!organizes) throw new PermissionDeniedError('Apenas os organizadores corrigem as horas.');
      const p = await this.ctx.participants.findById(c, eventId, participantId);
      if (!p) throw new NotFoundError('Participante não encontrado.');
      if (p.status !== 'confirmed' || !p.checked_in)
        throw ValidationError.field('hours', 'Só há horas a corrigir para quem fez check-in.');
      const nominal = Math.floor((event.end_date.getTime() - event.start_date.getTime()) / 36_000) / 100;
      if (hours !== null && hours > nominal)
        throw ValidationError.field(
          'hours',
          `No máximo ${nominal.toLocaleString('pt-BR')} h: a duração do evento.`,
        );
      await this.ctx.participants.setHoursOverride(c, p.id, hours);
      await this.statsJobs(c, p.user_id);
      return participantView((await this.ctx.participants.findById(c, eventId, p.id))!, true);
    });
  }

  private verified(raw: string, eventId: number): ParsedCode {
    const r = verifyCode(this.key, raw, this.clock());
    if (!r.ok) throw codeError(CODE_MESSAGES[r.problem]);
    if (r.code.eventId !== eventId) throw codeError('Este QR code é de outro evento.');
    return r.code;
  }

  private async apply(c: TxConn, p: ParticipantRecord, action: CodeAction) {
    if (action === 'check_in') {
      if (p.checked_in) throw codeError('Check-in já realizado.');
      await this.ctx.participants.checkIn(c, p.id);
    } else {
      if (!p.checked_in) throw codeError('Faça o check-in antes do check-out.');
      if (p.check_out_time) throw codeError('Check-out já realizado.');
      await this.ctx.participants.checkOut(c, p.id);
    }
    await this.statsJobs(c, p.user_id);
  }

  private async statsJobs(c: TxConn, userId: number) {
    await this.ctx.job(c.tx, 'check_and_award_badges', { user_id: userId });
    await this.ctx.job(c.tx, 'update_user_statistics', { user_id: userId });
  }

  private async answer(c: TxConn, action: CodeAction, eventId: number, participantId: number) {
    const p = (await this.ctx.participants.findById(c, eventId, participantId))!;
    return {
      action,
      message: action === 'check_in' ? 'Check-in realizado com sucesso.' : 'Check-out realizado com sucesso.',
      participant: participantView(p, false),
    };
  }

  private assertOpen(event: { status: string; start_date: Date; end_date: Date }) {
    if (event.status === 'cancelled' || event.status === 'draft')
      throw codeError('Este evento não aceita check-in.');
    if (!isCheckInOpen(event, new Date(this.clock()))) throw codeError(WINDOW_MESSAGE);
  }

  private async lockVisible(c: TxConn, actor: Actor, eventId: number): Promise<EventRow> {
    const event = await this.ctx.events.lockById(c, eventId);
    if (!event || !(await this.ctx.events.findVisible(c, eventId, actor.id)))
      throw new NotFoundError('Evento não encontrado.');
    return event;
  }

  private async shown(code: string, w: number, action?: CodeAction): Promise<ShownCode> {
    const svg = await QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return {
      code,
      ...(action ? { action } : {}),
      rotates_every_s: CODE_WINDOW_S,
      expires_at: toSaoPauloIso(expiresAt(w)),
      svg,
    };
  }
}
