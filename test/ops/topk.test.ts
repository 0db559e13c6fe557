import { topkSuite } from './topk_cases';

// The 'lane' lowering here; the bitonic 'workgroup' one in the browser file (SwiftShader takes
// about a minute to compile its barrier loops, once per process).
topkSuite('argsort / centred_ranks on Node (Dawn), lane', 'lane');
