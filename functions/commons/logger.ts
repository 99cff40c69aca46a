// The Powertools logger of every function, made once per container. In AWS it prints Powertools' JSON; the local
// stack in a terminal sets DANCU_LOG_FORMAT=text for one readable line per event (text-logger.ts).
import { Logger } from '@aws-lambda-powertools/logger';
import { TextLogger } from './text-logger.ts';

const options = { serviceName: 'dancu' };

export const logger: Logger =
  process.env.DANCU_LOG_FORMAT === 'text' ? new TextLogger(options) : new Logger(options);
