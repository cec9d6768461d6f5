// Co-organisers (issue #16): the owner adds and removes them; organisers (owner and co-organisers) see the list.
import { NotFoundError, PermissionDeniedError, ValidationError } from '../shared/app-errors.js';
import type { Actor, EventsContext, TxConn } from './events-context.js';
import { coorganizerView } from './event-views.js';

export class Coorganizers {
  constructor(private readonly ctx: EventsContext) {}

  async list(actor: Actor, eventId: number) {
    const conn = this.ctx.reader(actor);
    const event = await this.ctx.events.findVisible(conn, eventId, actor.id);
    if (!event) throw new NotFoundError('Evento não encontrado.');
    if (!(await this.ctx.organizes(conn, event, actor)))
      throw new PermissionDeniedError('Apenas os organizadores podem ver os coorganizadores.');
    return (await this.ctx.coorganizers.list(conn, eventId)).map(coorganizerView);
  }

  async add(actor: Actor, eventId: number, who: { id: number } | { username: string }) {
    return this.ctx.write(actor, async (c) => {
      const event = await this.ownedLocked(c, actor, eventId);
      let userId: number;
      if ('id' in who) {
        userId = who.id;
        if (!(await this.ctx.participants.userExists(c, userId)))
          throw ValidationError.field('user', `Pk inválido "${userId}" - objeto não existe.`);
      } else {
        const found = await this.ctx.participants.activeUserIdByUsername(c, who.username);
        if (found === null)
          throw ValidationError.field('username', 'Nenhum voluntário com este nome de usuário.');
        userId = found;
      }
      if (userId === event.organizer_id)
        throw ValidationError.field('user', 'O dono do evento já é organizador.');
      if (!(await this.ctx.coorganizers.add(c, eventId, userId)))
        throw ValidationError.field('user', 'Este usuário já é coorganizador deste evento.');
      const row = (await this.ctx.coorganizers.list(c, eventId)).find((r) => r.user_id === userId)!;
      return coorganizerView(row);
    });
  }

  async remove(actor: Actor, eventId: number, userId: number): Promise<void> {
    await this.ctx.write(actor, async (c) => {
      await this.ownedLocked(c, actor, eventId);
      if (!(await this.ctx.coorganizers.remove(c, eventId, userId)))
        throw new NotFoundError('Coorganizador não encontrado.');
    });
  }

  /** Only the owner changes co-organisers: 404 when the event is hidden from the caller, 403 otherwise. */
  private async ownedLocked(c: TxConn, actor: Actor, eventId: number) {
    const event = await this.ctx.events.lockById(c, eventId);
    if (
      !event ||
      (event.organizer_id !== actor.id && !(await this.ctx.events.findVisible(c, eventId, actor.id)))
    )
      throw new NotFoundError('Evento não encontrado.');
    if (event.organizer_id !== actor.id)
      throw new PermissionDeniedError('Apenas o dono do evento pode alterar os coorganizadores.');
    return event;
  }
}
