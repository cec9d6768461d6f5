// Who may see a participant's name: a private profile's owner shows up as "Participante" to anyone but the event's
// organiser and the participant themself (the profile page already answers 404 for it).
import type { ParticipantRecord } from '../../data-access/events/participant.repository.js';

export const HIDDEN_PARTICIPANT_NAME = 'Participante';

export function namesVisible(
  p: ParticipantRecord,
  viewerId: number | undefined,
  organizerId: number,
): boolean {
  return (
    p.is_public_profile || (viewerId !== undefined && (viewerId === organizerId || viewerId === p.user_id))
  );
}

/** The record with the name fields blanked when `viewerId` may not see them (ids stay: they reveal nothing new). */
export function maskPrivateName(
  p: ParticipantRecord,
  viewerId: number | undefined,
  organizerId: number,
): ParticipantRecord {
  if (namesVisible(p, viewerId, organizerId)) return p;
  return { ...p, username: HIDDEN_PARTICIPANT_NAME, first_name: HIDDEN_PARTICIPANT_NAME, last_name: '' };
}
