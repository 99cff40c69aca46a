// The Powertools logger of the procedure and HTTP functions, made once per container.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'dancu' });
