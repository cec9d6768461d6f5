// Every page and resource route of the web app (pt-BR paths).
import { type RouteConfig, index, route } from '@react-router/dev/routes';

export default [
  index('routes/home.page.tsx'),
  route('eventos', 'routes/events.page.tsx'),
  route('eventos/novo', 'routes/event-new.page.tsx'),
  route('eventos/:id', 'routes/event-detail.page.tsx'),
  route('eventos/:id/editar', 'routes/event-edit.page.tsx'),
  route('eventos/:id/relatorio', 'routes/event-report.page.tsx'),
  route('eventos/:id/qr', 'routes/event-qr.page.tsx'),
  route('eventos/:id/presenca', 'routes/event-presence.page.tsx'),
  route('eventos/:id/equipe', 'routes/event-team.page.tsx'),
  route('eventos/:id/calendario.ics', 'routes/event-calendar.resource.ts'),
  route('eventos/:id/participantes.csv', 'routes/event-participants-csv.resource.ts'),
  route('meus-eventos', 'routes/my-events.page.tsx'),
  route('perfil', 'routes/profile.page.tsx'),
  route('perfil/calendario', 'routes/calendar-subscription.page.tsx'),
  route('voluntarios/:username', 'routes/public-profile.page.tsx'),
  route('ranking', 'routes/leaderboard.page.tsx'),
  route('impacto', 'routes/impact.page.tsx'),
  route('entrar', 'routes/login.page.tsx'),
  route('cadastro', 'routes/register.page.tsx'),
  route('sair', 'routes/logout.action.ts'),
  route('*', 'routes/not-found.page.tsx'),
] satisfies RouteConfig;
