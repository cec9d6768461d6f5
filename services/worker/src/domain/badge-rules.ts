// Which catalogue badges a user's verified record earns (pure). The catalogue (table `badges`) holds
// criteria_type + threshold per badge: first_event ≥1, five_events ≥5, ten_events ≥10 participations,
// organizer ≥1 organised event, hours_* ≥ N verified hours.

export interface UserRecord {
  /** Events the user checked in to (verified participations). */
  verified_participations: number;
  /** Events the user organised (published or completed). */
  events_organized: number;
  /** Hours of the events the user checked in to. */
  verified_hours: number;
}

export type CriteriaType = 'events_participated' | 'events_organized' | 'hours_volunteered';
export interface CatalogueBadge {
  id: number;
  code: string;
  criteria_type: string;
  threshold: number | string;
}

export function metricFor(r: UserRecord, criteria: string): number | undefined {
  switch (criteria) {
    case 'events_participated':
      return r.verified_participations;
    case 'events_organized':
      return r.events_organized;
    case 'hours_volunteered':
      return r.verified_hours;
    default:
      return undefined;
  }
}

export function earnedBadges(r: UserRecord, catalogue: CatalogueBadge[]): CatalogueBadge[] {
  return catalogue.filter((b) => {
    const v = metricFor(r, b.criteria_type);
    return v !== undefined && v >= Number(b.threshold);
  });
}
