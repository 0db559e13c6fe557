import { topkSuite } from './topk_cases';

topkSuite('argsort / centred_ranks in Chromium, lane', 'lane');
topkSuite('argsort / centred_ranks in Chromium, workgroup', 'workgroup');
