// Events routes (DOMAIN.md "Events"), mounted at /api/events; each handler parses, calls a use case, answers.
import express, { type Request } from 'express';
import type { ApiDeps } from '../../../deps.js';
import { NotFoundError } from '../../../domain/shared/app-errors.js';
import { EventsContext, type Actor } from '../../../domain/events/events-context.js';
import { BrowseEvents, assertGeo } from '../../../domain/events/browse-events.use-case.js';
import { ManageEvent } from '../../../domain/events/manage-event.use-case.js';
import { JoinEvent } from '../../../domain/events/join-event.use-case.js';
import { ManageParticipants } from '../../../domain/events/manage-participants.use-case.js';
import { EventContent } from '../../../domain/events/event-content.use-case.js';
import { EventReport } from '../../../domain/events/event-report.use-case.js';
import { Coorganizers } from '../../../domain/events/coorganizers.use-case.js';
import { CalendarFeeds } from '../../../domain/events/calendar-feeds.use-case.js';
import { participantView } from '../../../domain/events/event-views.js';
import { QrCheckIn } from '../../../domain/events/qr-check-in.use-case.js';
import { buildPage, pageRequest } from '../pagination.js';
import { mediaUrlFor } from '../users/users.router.js';
import { parseBody, parseId, parseQuery } from '../request-validation.js';
import {
  checkInCodeQuerySchema,
  commentSchema,
  coorganizerCreateSchema,
  hoursCorrectionSchema,
  eventCreateSchema,
  eventPatchSchema,
  feedQuerySchema,
  joinSchema,
  listQuerySchema,
  nearbyQuerySchema,
  participantCreateSchema,
  participantPatchSchema,
  photoFieldsSchema,
  reportCreateSchema,
  reportPatchSchema,
  resourceCreateSchema,
  resourcePatchSchema,
  scanSchema,
} from './event-request.schemas.js';
import { parsePhotoUpload, removePhoto, storePhoto } from './photo-upload.js';

export { createMediaRouter } from './photo-upload.js';

const actorOf = (req: Request): Actor | undefined =>
  req.user ? { id: req.user.id, is_staff: req.user.is_staff } : undefined;
const userOf = (req: Request): Actor => actorOf(req)!;

/** Path ids: anything but a positive integer is a 404, as an unknown id would be. */
function idParam(req: Request, name: string): number {
  const id = parseId(req.params[name]);
  if (id === null) throw new NotFoundError('Não encontrado.');
  return id;
}

/** The body's event fields under their column names (`category` → category_id). */
function eventFields<T extends { category?: number }>(
  body: T,
): Omit<T, 'category'> & { category_id: T['category'] } {
  const { category, ...rest } = body;
  return { ...rest, category_id: category };
}

export function createEventsRouter(deps: ApiDeps): express.Router {
  const ctx = new EventsContext(deps);
  const browse = new BrowseEvents(ctx);
  const manage = new ManageEvent(ctx);
  const joining = new JoinEvent(ctx);
  const participants = new ManageParticipants(ctx);
  const content = new EventContent(ctx);
  const report = new EventReport(ctx);
  const coorganizers = new Coorganizers(ctx);
  const calendars = new CalendarFeeds(ctx);
  const qr = new QrCheckIn(ctx, deps.config.JWT_SECRET);
  const sendIcs = (res: express.Response, ics: string, filename: string, cache: string) =>
    res
      .type('text/calendar; charset=utf-8')
      .set('content-disposition', `inline; filename="${filename}"`)
      .set('cache-control', cache)
      .send(ics);
  const { requireAuth, optionalAuth } = deps;
  const mediaDir = deps.config.MEDIA_DIR;

  const r = express.Router({ strict: false });

  // Collection-level routes first: they would otherwise match /:id.
  r.get('/categories', async (_req, res) => {
    res.json(await browse.categories());
  });

  r.get('/my_events', requireAuth, async (req, res) => {
    res.json(await browse.myEvents(userOf(req)));
  });

  // Calendar feeds (issue #16).
  r.get('/feed', async (req, res) => {
    const q = parseQuery(feedQuerySchema, req.query);
    const ics = await calendars.publicFeed({ city: q.city || undefined, categoryId: q.category });
    sendIcs(res, ics, 'mutiroes.ics', 'public, max-age=300');
  });

  r.post('/calendar_subscription', requireAuth, async (req, res) => {
    res.status(201).json(await calendars.subscribe(userOf(req)));
  });

  r.delete('/calendar_subscription', requireAuth, async (req, res) => {
    await calendars.revoke(userOf(req));
    res.status(204).end();
  });

  r.get('/calendar/:token', async (req, res) => {
    const ics = await calendars.userFeed(String(req.params['token']));
    sendIcs(res, ics, 'meus-mutiroes.ics', 'private, no-store');
  });

  r.get('/nearby', optionalAuth, async (req, res) => {
    const q = parseQuery(nearbyQuerySchema, req.query);
    const geo = assertGeo({ latitude: q.latitude, longitude: q.longitude, radiusKm: q.radius });
    res.json(await browse.nearby(actorOf(req), geo, q.limit));
  });

  r.get('/', optionalAuth, async (req, res) => {
    const { latitude, longitude, radius, ordering, ...filters } = parseQuery(listQuerySchema, req.query);
    const geo =
      latitude !== undefined || longitude !== undefined || radius !== undefined
        ? assertGeo({ latitude, longitude, radiusKm: radius })
        : undefined;
    const pr = pageRequest(req);
    const { count, items } = await browse.list(actorOf(req), {
      status: filters.status,
      categoryId: filters.category,
      city: filters.city || undefined,
      state: filters.state || undefined,
      isPublic: filters.is_public,
      startFrom: filters.start_date,
      startUntil: filters.end_date,
      search: filters.search || undefined,
      geo,
      ordering,
      limit: pr.limit,
      offset: pr.offset,
    });
    res.json(buildPage(req, pr, count, items));
  });

  r.post('/', requireAuth, async (req, res) => {
    const body = parseBody(eventCreateSchema, req.body);
    const id = await manage.create(userOf(req), eventFields(body));
    res.status(201).json(await browse.detail(userOf(req), id, mediaUrlFor(req)));
  });

  r.get('/:id', optionalAuth, async (req, res) => {
    res.json(await browse.detail(actorOf(req), idParam(req, 'id'), mediaUrlFor(req)));
  });

  r.put('/:id', requireAuth, async (req, res) => {
    const id = idParam(req, 'id');
    await manage.update(userOf(req), id, eventFields(parseBody(eventCreateSchema, req.body)));
    res.json(await browse.detail(userOf(req), id, mediaUrlFor(req)));
  });

  r.patch('/:id', requireAuth, async (req, res) => {
    const id = idParam(req, 'id');
    await manage.update(userOf(req), id, eventFields(parseBody(eventPatchSchema, req.body)));
    res.json(await browse.detail(userOf(req), id, mediaUrlFor(req)));
  });

  r.delete('/:id', requireAuth, async (req, res) => {
    await manage.delete(userOf(req), idParam(req, 'id'));
    res.status(204).end();
  });

  r.get('/:id/ics', optionalAuth, async (req, res) => {
    const id = idParam(req, 'id');
    sendIcs(res, await calendars.eventIcs(actorOf(req), id), `mutirao-${id}.ics`, 'private, no-cache');
  });

  r.post('/:id/join', requireAuth, async (req, res) => {
    const id = idParam(req, 'id');
    const p = await joining.join(userOf(req), id, parseBody(joinSchema, req.body));
    res.status(201).json(participantView(p, true));
  });

  r.post('/:id/leave', requireAuth, async (req, res) => {
    await joining.leave(userOf(req), idParam(req, 'id'));
    res.json({ message: 'Você saiu do evento.' });
  });

  r.post('/:id/check_in', requireAuth, async (req, res) => {
    await joining.checkIn(userOf(req), idParam(req, 'id'));
    res.json({ message: 'Check-in realizado com sucesso.' });
  });

  // QR check-in/out and measured hours (ADR 0014). Codes are never cached: they rotate.
  r.get('/:id/check_in_code', requireAuth, async (req, res) => {
    const { action } = parseQuery(checkInCodeQuerySchema, req.query);
    res.set('cache-control', 'no-store').json(await qr.eventCode(userOf(req), idParam(req, 'id'), action));
  });

  r.get('/:id/my_code', requireAuth, async (req, res) => {
    res.set('cache-control', 'no-store').json(await qr.personalCode(userOf(req), idParam(req, 'id')));
  });

  r.post('/:id/scan', requireAuth, async (req, res) => {
    const { code } = parseBody(scanSchema, req.body);
    res.json(await qr.scanEventCode(userOf(req), idParam(req, 'id'), code));
  });

  r.post('/:id/scan_participant', requireAuth, async (req, res) => {
    const { code } = parseBody(scanSchema, req.body);
    res.json(await qr.scanPersonalCode(userOf(req), idParam(req, 'id'), code));
  });

  r.put('/:id/participants/:pk/hours', requireAuth, async (req, res) => {
    const { hours } = parseBody(hoursCorrectionSchema, req.body);
    res.json(await qr.correctHours(userOf(req), idParam(req, 'id'), idParam(req, 'pk'), hours));
  });

  r.get('/:id/stats', optionalAuth, async (req, res) => {
    res.json(await browse.stats(actorOf(req), idParam(req, 'id')));
  });

  r.get('/:id/participants', optionalAuth, async (req, res) => {
    res.json(await participants.list(actorOf(req), idParam(req, 'id')));
  });

  r.post('/:id/participants', requireAuth, async (req, res) => {
    const { user, ...changes } = parseBody(participantCreateSchema, req.body);
    const p = await participants.add(userOf(req), idParam(req, 'id'), user, changes);
    res.status(201).json(participantView(p, true));
  });

  // Before /:id/participants/:pk, which would take 'export' for an id.
  r.get('/:id/participants/export', requireAuth, async (req, res) => {
    const id = idParam(req, 'id');
    const csv = await participants.exportCsv(userOf(req), id);
    res
      .type('text/csv; charset=utf-8')
      .set('content-disposition', `attachment; filename="participantes-evento-${id}.csv"`)
      .set('cache-control', 'private, no-store')
      .send(csv);
  });

  r.get('/:id/waitlist', requireAuth, async (req, res) => {
    res.json(await participants.waitlist(userOf(req), idParam(req, 'id')));
  });

  r.get('/:id/coorganizers', requireAuth, async (req, res) => {
    res.json(await coorganizers.list(userOf(req), idParam(req, 'id')));
  });

  r.post('/:id/coorganizers', requireAuth, async (req, res) => {
    const body = parseBody(coorganizerCreateSchema, req.body);
    const who = body.user !== undefined ? { id: body.user } : { username: body.username! };
    res.status(201).json(await coorganizers.add(userOf(req), idParam(req, 'id'), who));
  });

  r.delete('/:id/coorganizers/:userId', requireAuth, async (req, res) => {
    await coorganizers.remove(userOf(req), idParam(req, 'id'), idParam(req, 'userId'));
    res.status(204).end();
  });

  r.get('/:id/participants/:pk', requireAuth, async (req, res) => {
    res.json(await participants.get(userOf(req), idParam(req, 'id'), idParam(req, 'pk')));
  });

  const patchParticipant: express.RequestHandler = async (req, res) => {
    const p = await participants.update(
      userOf(req),
      idParam(req, 'id'),
      idParam(req, 'pk'),
      parseBody(participantPatchSchema, req.body),
    );
    res.json(participantView(p, true));
  };
  r.patch('/:id/participants/:pk', requireAuth, patchParticipant);
  r.put('/:id/participants/:pk', requireAuth, patchParticipant);

  r.delete('/:id/participants/:pk', requireAuth, async (req, res) => {
    await participants.remove(userOf(req), idParam(req, 'id'), idParam(req, 'pk'));
    res.status(204).end();
  });

  r.get('/:id/photos', optionalAuth, async (req, res) => {
    res.json(await content.listPhotos(actorOf(req), idParam(req, 'id'), mediaUrlFor(req)));
  });

  r.post(
    '/:id/photos',
    requireAuth,
    // Permission first: a refused upload is not even read.
    async (req, _res, next) => {
      await content.assertMayUploadPhoto(userOf(req), idParam(req, 'id'));
      next();
    },
    parsePhotoUpload,
    async (req, res) => {
      const id = idParam(req, 'id');
      const f = parseBody(photoFieldsSchema, req.body);
      const rel = await storePhoto(mediaDir, id, req.file);
      try {
        res.status(201).json(await content.addPhoto(userOf(req), id, { path: rel, ...f }, mediaUrlFor(req)));
      } catch (e) {
        await removePhoto(mediaDir, rel);
        throw e;
      }
    },
  );

  r.get('/:id/comments', optionalAuth, async (req, res) => {
    res.json(await content.listComments(actorOf(req), idParam(req, 'id')));
  });

  r.post('/:id/comments', requireAuth, async (req, res) => {
    const { content: text, parent } = parseBody(commentSchema, req.body);
    res.status(201).json(await content.addComment(userOf(req), idParam(req, 'id'), text, parent ?? null));
  });

  r.get('/:id/resources', optionalAuth, async (req, res) => {
    res.json(await content.listResources(actorOf(req), idParam(req, 'id')));
  });

  r.post('/:id/resources', requireAuth, async (req, res) => {
    res
      .status(201)
      .json(
        await content.addResource(userOf(req), idParam(req, 'id'), parseBody(resourceCreateSchema, req.body)),
      );
  });

  r.get('/:id/resources/:pk', optionalAuth, async (req, res) => {
    res.json(await content.getResource(actorOf(req), idParam(req, 'id'), idParam(req, 'pk')));
  });

  r.put('/:id/resources/:pk', requireAuth, async (req, res) => {
    res.json(
      await content.updateResource(
        userOf(req),
        idParam(req, 'id'),
        idParam(req, 'pk'),
        parseBody(resourceCreateSchema, req.body),
      ),
    );
  });

  r.patch('/:id/resources/:pk', requireAuth, async (req, res) => {
    res.json(
      await content.updateResource(
        userOf(req),
        idParam(req, 'id'),
        idParam(req, 'pk'),
        parseBody(resourcePatchSchema, req.body),
      ),
    );
  });

  r.delete('/:id/resources/:pk', requireAuth, async (req, res) => {
    await content.deleteResource(userOf(req), idParam(req, 'id'), idParam(req, 'pk'));
    res.status(204).end();
  });

  r.get('/:id/report', optionalAuth, async (req, res) => {
    res.json(await report.get(actorOf(req), idParam(req, 'id')));
  });

  r.post('/:id/report', requireAuth, async (req, res) => {
    res
      .status(201)
      .json(await report.create(userOf(req), idParam(req, 'id'), parseBody(reportCreateSchema, req.body)));
  });

  r.put('/:id/report', requireAuth, async (req, res) => {
    res.json(await report.update(userOf(req), idParam(req, 'id'), parseBody(reportCreateSchema, req.body)));
  });

  r.patch('/:id/report', requireAuth, async (req, res) => {
    res.json(await report.update(userOf(req), idParam(req, 'id'), parseBody(reportPatchSchema, req.body)));
  });

  return r;
}
