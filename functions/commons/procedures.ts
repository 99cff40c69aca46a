// What the procedure-status functions are wired with, made once per container from the environment.
import { Logger } from '@aws-lambda-powertools/logger';
import { env } from '../../shared/aws/clients.ts';
import { ApplicationStore } from '../../shared/store/application-store.ts';

export const logger = new Logger({ serviceName: 'dancu' });

export const applications = () => new ApplicationStore(env('APPLICATIONS_TABLE'));
