import { describeServiceEnvironment } from './lib/service-env.js';

describeServiceEnvironment('route-compiler');
