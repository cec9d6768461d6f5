// pt-BR e-mail contents (pure): subject, text and HTML of every message the worker sends.

export interface Recipient {
  email: string;
  first_name?: string | null;
  username: string;
}
export interface EventInfo {
  id: number;
  title: string;
  start_date: Date;
  end_date?: Date | null;
  address?: string | null;
  city?: string | null;
  state?: string | null;
  what_to_bring?: string | null;
}
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const TZ = 'America/Sao_Paulo';
export function formatDateTimePtBr(d: Date): string {
  return new Intl.DateTimeFormat('pt-BR', { timeZone: TZ, dateStyle: 'full', timeStyle: 'short' }).format(d);
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const greetingName = (r: Recipient) => (r.first_name && r.first_name.trim()) || r.username;
const place = (e: EventInfo) =>
  [e.address, e.city && e.state ? `${e.city}/${e.state}` : e.city].filter(Boolean).join(' — ');

function render(subject: string, paragraphs: string[]): EmailContent {
  const text = paragraphs.join('\n\n') + '\n\n— Equipe Mutirões\n';
  const html =
    `<!doctype html><html lang="pt-BR"><body style="font-family:sans-serif">` +
    paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('') +
    `<p>— Equipe Mutirões</p></body></html>`;
  return { subject, text, html };
}

export function welcomeEmail(u: Recipient, baseUrl: string): EmailContent {
  return render(`Bem-vindo(a) ao Mutirões, ${greetingName(u)}!`, [
    `Olá, ${greetingName(u)}!`,
    `Sua conta no Mutirões foi criada com sucesso (usuário: ${u.username}). Agora você pode encontrar mutirões de limpeza de praias e rios, plantio de árvores e educação ambiental perto de você, se inscrever e acompanhar suas horas de voluntariado.`,
    `Encontre seu primeiro mutirão: ${baseUrl}/api/events/`,
    `Obrigado por fazer parte dessa rede de cuidado com o meio ambiente!`,
  ]);
}

function eventLines(e: EventInfo): string[] {
  const lines = [`Evento: ${e.title}`, `Quando: ${formatDateTimePtBr(e.start_date)}`];
  const where = place(e);
  if (where) lines.push(`Onde: ${where}`);
  return [lines.join('\n')];
}

/** Personal or broadcast notifications about one event; `kind` comes from the API. */
export function eventNotificationEmail(kind: string, u: Recipient, e: EventInfo): EmailContent {
  const hi = `Olá, ${greetingName(u)}!`;
  switch (kind) {
    case 'registration':
    case 'registered':
    case 'joined':
    case 'confirmed':
      return render(`Inscrição confirmada: ${e.title}`, [
        hi,
        `Sua inscrição no mutirão "${e.title}" está confirmada.`,
        ...eventLines(e),
        e.what_to_bring
          ? `O que levar: ${e.what_to_bring}`
          : 'Leve água, protetor solar e roupas confortáveis.',
        'Até lá!',
      ]);
    case 'pending':
    case 'registration_pending':
      return render(`Inscrição recebida: ${e.title}`, [
        hi,
        `Recebemos sua inscrição no mutirão "${e.title}". Ela aguarda a aprovação do organizador; avisaremos quando for confirmada.`,
        ...eventLines(e),
      ]);
    case 'waitlisted':
      return render(`Lista de espera: ${e.title}`, [
        hi,
        `O mutirão "${e.title}" está lotado e você entrou na lista de espera. Se uma vaga abrir antes do fim das inscrições, sua inscrição é confirmada automaticamente, na ordem da lista, e avisaremos por e-mail.`,
        ...eventLines(e),
      ]);
    case 'promoted':
      return render(`Vaga confirmada: ${e.title}`, [
        hi,
        `Abriu uma vaga no mutirão "${e.title}" e você saiu da lista de espera: sua inscrição está confirmada.`,
        ...eventLines(e),
        e.what_to_bring
          ? `O que levar: ${e.what_to_bring}`
          : 'Leve água, protetor solar e roupas confortáveis.',
        'Se não puder ir, cancele a inscrição para liberar a vaga para a próxima pessoa da lista.',
      ]);
    case 'approved':
      return render(`Inscrição aprovada: ${e.title}`, [
        hi,
        `O organizador aprovou sua inscrição no mutirão "${e.title}".`,
        ...eventLines(e),
      ]);
    case 'rejected':
      return render(`Inscrição não aprovada: ${e.title}`, [
        hi,
        `Infelizmente sua inscrição no mutirão "${e.title}" não foi aprovada desta vez. Há muitos outros mutirões esperando por você!`,
      ]);
    case 'left':
    case 'cancelled_participation':
      return render(`Inscrição cancelada: ${e.title}`, [
        hi,
        `Sua inscrição no mutirão "${e.title}" foi cancelada. Se mudar de ideia, você pode se inscrever novamente enquanto houver vagas.`,
      ]);
    case 'event_cancelled':
    case 'cancelled':
      return render(`Mutirão cancelado: ${e.title}`, [
        hi,
        `O mutirão "${e.title}", marcado para ${formatDateTimePtBr(e.start_date)}, foi cancelado pelo organizador.`,
      ]);
    case 'event_updated':
    case 'updated':
      return render(`Mutirão atualizado: ${e.title}`, [
        hi,
        `O mutirão "${e.title}" teve informações alteradas. Confira os detalhes atualizados:`,
        ...eventLines(e),
      ]);
    case 'published':
      return render(`Mutirão publicado: ${e.title}`, [
        hi,
        `O mutirão "${e.title}" foi publicado e está com inscrições abertas.`,
        ...eventLines(e),
      ]);
    case 'new_participant':
      return render(`Nova inscrição no seu mutirão: ${e.title}`, [
        hi,
        `Uma nova pessoa se inscreveu no seu mutirão "${e.title}".`,
        ...eventLines(e),
      ]);
    default:
      return render(`Novidades sobre o mutirão: ${e.title}`, [
        hi,
        `Há novidades sobre o mutirão "${e.title}".`,
        ...eventLines(e),
      ]);
  }
}

export function reminderEmail(u: Recipient, e: EventInfo): EmailContent {
  return render(`Lembrete: ${e.title} começa em breve`, [
    `Olá, ${greetingName(u)}!`,
    `Este é um lembrete do mutirão "${e.title}", em que você está inscrito(a).`,
    ...eventLines(e),
    e.what_to_bring ? `O que levar: ${e.what_to_bring}` : 'Leve água, protetor solar e roupas confortáveis.',
    'Se não puder comparecer, cancele sua inscrição para liberar a vaga. Até lá!',
  ]);
}
