import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/problem/domain-errors';
import { profileOn, validateProfile, type RuleProfile } from './domain/rule-profile';
import { chinaCalendarDate } from './domain/working-days';
import { ProfilesRepository } from './profiles.repository';

/** The regime the deployment reconciles under (profiles of other regimes are data for later). */
export const DEFAULT_REGIME = 'CN';

/** Profiles are read once a minute at most: they change by migration, never in a request. */
const CACHE_MS = 60_000;

@Injectable()
export class ProfilesService {
  private cache: { at: number; profiles: RuleProfile[] } | null = null;

  constructor(private readonly repository: ProfilesRepository) {}

  /** Every stored profile; throws (naming the problems) if one does not pass validateProfile. */
  async profiles(): Promise<RuleProfile[]> {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache.profiles;
    const profiles = await this.repository.all();
    for (const p of profiles) {
      const problems = validateProfile(p);
      if (problems.length > 0) throw new Error(`rule profile ${p.id} is invalid: ${problems.join('; ')}`);
    }
    this.cache = { at: Date.now(), profiles };
    return profiles;
  }

  /** The profile in force on a day (China calendar date of `at`, or YYYY-MM-DD) for a regime. */
  async inForce(at: Date | string, regime = DEFAULT_REGIME): Promise<RuleProfile> {
    const day = typeof at === 'string' ? at : chinaCalendarDate(at);
    const profile = profileOn(await this.profiles(), day, regime);
    if (!profile) throw new NotFoundError('Rule profile', `${regime}@${day}`);
    return profile;
  }
}
