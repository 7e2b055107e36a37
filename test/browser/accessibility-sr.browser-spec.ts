import { describeAccessibilityCrawl } from '../utils/accessibility-crawl';

describeAccessibilityCrawl('sr');
