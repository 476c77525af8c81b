import { describeServiceEnvironment } from './lib/service-env.js';

describeServiceEnvironment('ca');
