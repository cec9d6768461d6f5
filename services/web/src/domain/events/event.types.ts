// Shapes of the API's event answers as the pages use them (DOMAIN.md); absent optional fields read as false.
export interface Category {
  id: number;
  name: string;
  description?: string;
  icon?: string;
  color?: string;
}

export interface EventListItem {
  id: number;
  title: string;
  description: string;
  category: Category | null;
  organizer_name?: string;
  address: string;
  latitude: string | number | null;
  longitude: string | number | null;
  city: string;
  state: string;
  start_date: string;
  end_date: string;
  max_participants: number;
  participants_count: number;
  available_spots: number;
  status: string;
  is_active?: boolean;
  is_registration_open?: boolean;
  cover_image_url?: string | null;
  distance_km?: number;
  user_participating?: boolean;
  user_participation_status?: string | null;
  is_organizer?: boolean;
}

export interface Participant {
  id: number;
  user: number | { id: number; username?: string; first_name?: string; last_name?: string };
  user_name?: string;
  username?: string;
  status: 'pending' | 'confirmed' | 'cancelled' | 'rejected' | 'waitlisted';
  checked_in: boolean;
  check_in_time: string | null;
  registered_at?: string;
  emergency_contact?: string;
  emergency_phone?: string;
  special_needs?: string;
  experience_level?: string;
}

export interface Comment {
  id: number;
  user: unknown;
  user_name?: string;
  username?: string;
  content: string;
  parent: number | null;
  created_at: string;
  replies?: Comment[];
}

export interface Photo {
  id: number;
  photo?: string;
  photo_url?: string;
  caption: string;
  is_before: boolean;
  is_after: boolean;
}

export interface Resource {
  id: number;
  name: string;
  description: string;
  resource_type: string;
  quantity_needed: number;
  quantity_provided: number;
  unit: string;
  is_fully_provided?: boolean;
}

export interface EventDetail extends EventListItem {
  /** Older answers: the organiser's id (or an object); newer ones: the username, with organizer_id. */
  organizer?: number | string | { id: number; username?: string };
  organizer_id?: number;
  organizer_avatar?: string | null;
  /** The viewer's place on the waitlist (1 = next) when waitlisted (issue #16). */
  user_waitlist_position?: number | null;
  /** The viewer co-organises the event (issue #16). */
  user_is_coorganizer?: boolean;
  registration_deadline: string | null;
  min_age: number;
  max_age: number | null;
  is_public: boolean;
  requires_approval: boolean;
  required_tools: string;
  provided_tools: string;
  what_to_bring: string;
  resources: Resource[];
  photos: Photo[];
  comments: Comment[];
  participants: Participant[];
  updated_at?: string;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface EventReport {
  id: number;
  total_participants: number;
  total_hours: string | number;
  trash_collected_kg: string | number;
  trees_planted: number;
  area_cleaned_m2: string | number;
  recyclable_material_kg: string | number;
  summary: string;
  challenges: string;
  achievements: string;
}

export function coord(v: string | number | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
