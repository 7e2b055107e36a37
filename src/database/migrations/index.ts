import { Foundation1763700000000 } from './1763700000000-Foundation';

export const MIGRATIONS = [Foundation1763700000000];
