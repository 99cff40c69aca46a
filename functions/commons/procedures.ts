// What the procedure-status functions are wired with, made once per container from the environment.
import { env } from '../../shared/aws/env.ts';
import { ApplicationStore } from '../../shared/store/application-store.ts';

export { logger } from './logger.ts';

export const applications = () => new ApplicationStore(env('APPLICATIONS_TABLE'));
