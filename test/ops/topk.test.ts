import { topkSuite } from './topk_cases';

// One kernel serves both lowerings; both are run (the runtime's choice must not matter).
topkSuite('argsort / centred_ranks on Node (Dawn), lane', 'lane');
topkSuite('argsort / centred_ranks on Node (Dawn), workgroup', 'workgroup');
