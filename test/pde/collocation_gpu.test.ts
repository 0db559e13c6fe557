import { collocationSuite } from './collocation_gpu_cases';

collocationSuite('collocation points on the GPU (node, Dawn)');
