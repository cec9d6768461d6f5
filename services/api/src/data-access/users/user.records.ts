// Plain rows the users repositories return (never ORM models); the users domain works with these.
export interface UserRecord {
  id: number;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  password_hash: string;
  is_staff: boolean;
  is_active: boolean;
  date_joined: Date;
  last_login: Date | null;
}

export interface ProfileRecord {
  id: number;
  user_id: number;
  phone: string;
  birth_date: string | null;
  bio: string;
  avatar: string | null;
  city: string;
  state: string;
  zip_code: string;
  notification_preferences: Record<string, unknown>;
  is_public_profile: boolean;
  show_participation_history: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface BadgeRecord {
  id: number;
  code: string;
  name: string;
  description: string;
  icon: string;
  criteria_type: 'events_participated' | 'events_organized' | 'hours_volunteered';
  threshold: number;
}

export interface UserActivityStats {
  total_events_participated: number;
  total_hours_volunteered: number;
  events_organized: number;
  current_month_events: number;
  favorite_categories: string[];
}
