// What the procedure-status functions are wired with, made once per container from the environment.
import { env } from '../../shared/aws/env.ts';
import { ApplicationStore } from '../../shared/store/application-store.ts';

export { logger } from './logger.ts';

/** The status function expires closed applications after the stage's days (CLOSED_APPLICATIONS_DAYS); lookup reads only. */
export const applications = () => {
  const days = Number(process.env.CLOSED_APPLICATIONS_DAYS) || undefined;
  return new ApplicationStore(env('APPLICATIONS_TABLE'), days ? { closedApplicationsDays: days } : {});
};
