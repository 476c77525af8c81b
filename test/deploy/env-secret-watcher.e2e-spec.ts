import { describeServiceEnvironment } from './lib/service-env.js';

describeServiceEnvironment('secret-watcher');
