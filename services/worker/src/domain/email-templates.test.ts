import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventNotificationEmail, reminderEmail, welcomeEmail } from './email-templates.js';

const user = { email: 'ana@example.com', first_name: 'Ana', username: 'ana' };
const event = {
  id: 7,
  title: 'Limpeza da Praia <Grande>',
  start_date: new Date('2026-12-05T11:00:00Z'),
  address: 'Av. Atlântica',
  city: 'Santos',
  state: 'SP',
};

describe('e-mail templates (pt-BR)', () => {
  test('when a user registers then the welcome e-mail greets them by first name in Portuguese', () => {
    const m = welcomeEmail(user, 'http://gw');
    assert.match(m.subject, /Bem-vindo\(a\) ao Mutirões, Ana!/);
    assert.match(m.text, /Olá, Ana!/);
    assert.match(m.text, /http:\/\/gw\/api\/events\//);
  });
  test('when a participant registers then the notification confirms the event with local date and place', () => {
    const m = eventNotificationEmail('registration', user, event);
    assert.equal(m.subject, 'Inscrição confirmada: Limpeza da Praia <Grande>');
    assert.match(m.text, /sábado, 5 de dezembro de 2026.*08:00/);
    assert.match(m.text, /Av\. Atlântica — Santos\/SP/);
    assert.match(m.html, /Limpeza da Praia &lt;Grande&gt;/);
    assert.doesNotMatch(m.html, /<Grande>/);
  });
  test('when a reminder is rendered then it names the event and asks to free the spot if absent', () => {
    const m = reminderEmail({ ...user, first_name: '' }, event);
    assert.match(m.subject, /^Lembrete: /);
    assert.match(m.text, /Olá, ana!/);
    assert.match(m.text, /cancele sua inscrição/);
  });
  test('when a volunteer is waitlisted or promoted then the notices say so in Portuguese', () => {
    const w = eventNotificationEmail('waitlisted', user, event);
    assert.match(w.subject, /^Lista de espera: /);
    assert.match(w.text, /lista de espera/);
    const p = eventNotificationEmail('promoted', user, event);
    assert.match(p.subject, /^Vaga confirmada: /);
    assert.match(p.text, /saiu da lista de espera: sua inscrição está confirmada/);
  });
});
