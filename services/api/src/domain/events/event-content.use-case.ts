// Resources (organiser edits), photos (organiser and confirmed participants upload) and threaded comments.
import type { EventRecord } from '../../data-access/events/event.repository.js';
import type { ResourceFields } from '../../data-access/events/event-content.repository.js';
import { NotFoundError, PermissionDeniedError, ValidationError } from '../shared/app-errors.js';
import type { Actor, EventsContext, TxConn } from './events-context.js';
import { commentThreads, commentView, photoView, resourceView, type MediaUrl } from './event-views.js';

export interface PhotoInput {
  /** Path under MEDIA_DIR where the upload was stored. */
  path: string;
  caption: string;
  is_before: boolean;
  is_after: boolean;
}

export class EventContent {
  constructor(private readonly ctx: EventsContext) {}

  async listResources(actor: Actor | undefined, eventId: number) {
    await this.visible(actor, eventId);
    return (await this.ctx.content.listResources(this.ctx.reader(actor), eventId)).map(resourceView);
  }

  async getResource(actor: Actor | undefined, eventId: number, id: number) {
    await this.visible(actor, eventId);
    const r = await this.ctx.content.findResource(this.ctx.reader(actor), eventId, id);
    if (!r) throw new NotFoundError('Recurso não encontrado.');
    return resourceView(r);
  }

  async addResource(actor: Actor, eventId: number, f: ResourceFields) {
    return this.ctx.write(actor, async (c) => {
      await this.owned(c, actor, eventId);
      return resourceView(await this.ctx.content.insertResource(c, eventId, f));
    });
  }

  async updateResource(actor: Actor, eventId: number, id: number, changes: Partial<ResourceFields>) {
    return this.ctx.write(actor, async (c) => {
      await this.owned(c, actor, eventId);
      const r = await this.ctx.content.findResource(c, eventId, id);
      if (!r) throw new NotFoundError('Recurso não encontrado.');
      return resourceView(await this.ctx.content.updateResource(c, id, changes));
    });
  }

  async deleteResource(actor: Actor, eventId: number, id: number): Promise<void> {
    await this.ctx.write(actor, async (c) => {
      await this.owned(c, actor, eventId);
      const r = await this.ctx.content.findResource(c, eventId, id);
      if (!r) throw new NotFoundError('Recurso não encontrado.');
      await this.ctx.content.deleteResource(c, id);
    });
  }

  async listPhotos(actor: Actor | undefined, eventId: number, mediaUrl: MediaUrl) {
    await this.visible(actor, eventId);
    return (await this.ctx.content.listPhotos(this.ctx.reader(actor), eventId)).map((p) =>
      photoView(p, mediaUrl),
    );
  }

  /** Checked before the file is accepted, so a refused upload leaves nothing on disk. */
  async assertMayUploadPhoto(actor: Actor, eventId: number): Promise<void> {
    const conn = this.ctx.primary();
    const event = await this.ctx.events.findVisible(conn, eventId, actor.id);
    if (!event) throw new NotFoundError('Evento não encontrado.');
    if (event.organizer_id === actor.id) return;
    const p = await this.ctx.participants.findByUser(conn, eventId, actor.id);
    if (p?.status !== 'confirmed')
      throw new PermissionDeniedError('Apenas o organizador e participantes confirmados podem enviar fotos.');
  }

  async addPhoto(actor: Actor, eventId: number, input: PhotoInput, mediaUrl: MediaUrl) {
    if (input.is_before && input.is_after)
      throw ValidationError.field('is_after', 'Uma foto não pode ser de antes e de depois ao mesmo tempo.');
    await this.assertMayUploadPhoto(actor, eventId);
    const id = await this.ctx.write(actor, (c) =>
      this.ctx.content.insertPhoto(c, {
        event_id: eventId,
        user_id: actor.id,
        photo: input.path,
        caption: input.caption,
        is_before: input.is_before,
        is_after: input.is_after,
      }),
    );
    return photoView((await this.ctx.content.findPhoto(this.ctx.primary(), id))!, mediaUrl);
  }

  async listComments(actor: Actor | undefined, eventId: number) {
    await this.visible(actor, eventId);
    return commentThreads(await this.ctx.content.listComments(this.ctx.reader(actor), eventId));
  }

  async addComment(actor: Actor, eventId: number, content: string, parentId: number | null) {
    return this.ctx.write(actor, async (c) => {
      if (!(await this.ctx.events.findVisible(c, eventId, actor.id)))
        throw new NotFoundError('Evento não encontrado.');
      if (parentId !== null && !(await this.ctx.content.findComment(c, eventId, parentId))) {
        throw ValidationError.field('parent', 'Comentário pai não encontrado neste evento.');
      }
      const id = await this.ctx.content.insertComment(c, eventId, actor.id, content, parentId);
      return commentView((await this.ctx.content.findComment(c, eventId, id))!);
    });
  }

  private async visible(actor: Actor | undefined, eventId: number): Promise<EventRecord> {
    const e = await this.ctx.events.findVisible(this.ctx.reader(actor), eventId, actor?.id);
    if (!e) throw new NotFoundError('Evento não encontrado.');
    return e;
  }

  private async owned(c: TxConn, actor: Actor, eventId: number): Promise<void> {
    const e = await this.ctx.events.findVisible(c, eventId, actor.id);
    if (!e) throw new NotFoundError('Evento não encontrado.');
    if (e.organizer_id !== actor.id)
      throw new PermissionDeniedError('Apenas o organizador pode alterar os recursos deste evento.');
  }
}
