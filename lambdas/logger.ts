// The one Powertools Logger every handler and local mode log through (JSON lines, as CloudWatch expects).
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'pullwatch' });
