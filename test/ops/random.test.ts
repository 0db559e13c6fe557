import { randomSuite } from './random_cases';

randomSuite('philox_normal / philox_uniform on Node (Dawn)');
