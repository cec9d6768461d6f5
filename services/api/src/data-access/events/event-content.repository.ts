// What participants and organisers attach to an event: resources, photos, comments.
import { Params, mutate, select, selectOne, type Conn } from './events-db.js';

export type ResourceType = 'tool' | 'material' | 'equipment' | 'other';

export interface ResourceRecord {
  id: number;
  event_id: number;
  name: string;
  description: string;
  resource_type: ResourceType;
  quantity_needed: number;
  quantity_provided: number;
  unit: string;
  created_at: Date;
  updated_at: Date;
}
export type ResourceFields = Pick<
  ResourceRecord,
  'name' | 'description' | 'resource_type' | 'quantity_needed' | 'quantity_provided' | 'unit'
>;
const RESOURCE_COLUMNS = [
  'name',
  'description',
  'resource_type',
  'quantity_needed',
  'quantity_provided',
  'unit',
] as const;

export interface PhotoRecord {
  id: number;
  event_id: number;
  user_id: number;
  username: string;
  /** Path relative to MEDIA_DIR (served under /media/). */
  photo: string;
  caption: string;
  is_before: boolean;
  is_after: boolean;
  created_at: Date;
}

export interface CommentRecord {
  id: number;
  event_id: number;
  user_id: number;
  username: string;
  parent_id: number | null;
  content: string;
  created_at: Date;
  updated_at: Date;
}

export class EventContentRepository {
  /** `limit`: the first ones only (event detail); all when omitted. */
  async listResources(c: Conn, eventId: number, limit?: number): Promise<ResourceRecord[]> {
    return select<ResourceRecord>(
      c,
      `SELECT * FROM event_resources WHERE event_id = $1 ORDER BY id${limit ? ' LIMIT $2' : ''}`,
      limit ? [eventId, limit] : [eventId],
    );
  }

  async findResource(c: Conn, eventId: number, id: number): Promise<ResourceRecord | null> {
    return selectOne<ResourceRecord>(c, 'SELECT * FROM event_resources WHERE event_id = $1 AND id = $2', [
      eventId,
      id,
    ]);
  }

  async insertResource(c: Conn, eventId: number, f: ResourceFields): Promise<ResourceRecord> {
    const rows = await mutate<ResourceRecord>(
      c,
      `INSERT INTO event_resources (event_id, name, description, resource_type, quantity_needed, quantity_provided, unit)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [eventId, f.name, f.description, f.resource_type, f.quantity_needed, f.quantity_provided, f.unit],
    );
    return rows[0]!;
  }

  async updateResource(c: Conn, id: number, changes: Partial<ResourceFields>): Promise<ResourceRecord> {
    const p = new Params();
    const sets = RESOURCE_COLUMNS.filter((k) => changes[k] !== undefined).map(
      (k) => `${k} = ${p.add(changes[k])}`,
    );
    sets.push('updated_at = now()');
    const rows = await mutate<ResourceRecord>(
      c,
      `UPDATE event_resources SET ${sets.join(', ')} WHERE id = ${p.add(id)} RETURNING *`,
      p.values,
    );
    return rows[0]!;
  }

  async deleteResource(c: Conn, id: number): Promise<void> {
    await mutate(c, 'DELETE FROM event_resources WHERE id = $1', [id]);
  }

  /** `limit`: the first ones only (event detail); all when omitted. */
  async listPhotos(c: Conn, eventId: number, limit?: number): Promise<PhotoRecord[]> {
    return select<PhotoRecord>(
      c,
      `SELECT ph.*, u.username FROM event_photos ph JOIN users u ON u.id = ph.user_id WHERE ph.event_id = $1 ORDER BY ph.created_at, ph.id${limit ? ' LIMIT $2' : ''}`,
      limit ? [eventId, limit] : [eventId],
    );
  }

  async insertPhoto(c: Conn, f: Omit<PhotoRecord, 'id' | 'username' | 'created_at'>): Promise<number> {
    const rows = await mutate<{ id: number }>(
      c,
      `INSERT INTO event_photos (event_id, user_id, photo, caption, is_before, is_after) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [f.event_id, f.user_id, f.photo, f.caption, f.is_before, f.is_after],
    );
    return rows[0]!.id;
  }

  async findPhoto(c: Conn, id: number): Promise<PhotoRecord | null> {
    return selectOne<PhotoRecord>(
      c,
      `SELECT ph.*, u.username FROM event_photos ph JOIN users u ON u.id = ph.user_id WHERE ph.id = $1`,
      [id],
    );
  }

  /**
   * All comments, or with `threads` only the first `threads` top-level comments and their replies (at most
   * `threads` × 10 rows): the event detail's first page of the conversation.
   */
  async listComments(c: Conn, eventId: number, threads?: number): Promise<CommentRecord[]> {
    if (!threads)
      return select<CommentRecord>(
        c,
        `SELECT cm.*, u.username FROM event_comments cm JOIN users u ON u.id = cm.user_id WHERE cm.event_id = $1 ORDER BY cm.created_at, cm.id`,
        [eventId],
      );
    return select<CommentRecord>(
      c,
      `WITH RECURSIVE thread AS (
         (SELECT cm.* FROM event_comments cm WHERE cm.event_id = $1 AND cm.parent_id IS NULL ORDER BY cm.created_at, cm.id LIMIT $2)
         UNION ALL
         SELECT r.* FROM event_comments r JOIN thread t ON r.parent_id = t.id WHERE r.event_id = $1)
       SELECT cm.*, u.username FROM (SELECT * FROM thread LIMIT $2 * 10) cm JOIN users u ON u.id = cm.user_id ORDER BY cm.created_at, cm.id`,
      [eventId, threads],
    );
  }

  async findComment(c: Conn, eventId: number, id: number): Promise<CommentRecord | null> {
    return selectOne<CommentRecord>(
      c,
      `SELECT cm.*, u.username FROM event_comments cm JOIN users u ON u.id = cm.user_id WHERE cm.event_id = $1 AND cm.id = $2`,
      [eventId, id],
    );
  }

  async insertComment(
    c: Conn,
    eventId: number,
    userId: number,
    content: string,
    parentId: number | null,
  ): Promise<number> {
    const rows = await mutate<{ id: number }>(
      c,
      'INSERT INTO event_comments (event_id, user_id, content, parent_id) VALUES ($1, $2, $3, $4) RETURNING id',
      [eventId, userId, content, parentId],
    );
    return rows[0]!.id;
  }
}
