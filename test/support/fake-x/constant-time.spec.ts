import { constantTimeEqual } from './constant-time';

describe('constant-time string comparison', () => {
  it('is true only for identical strings', () => {
    expect(constantTimeEqual('tnnArxj06cWHq44gCs1OSKk/jLY=', 'tnnArxj06cWHq44gCs1OSKk/jLY=')).toBe(true);
    expect(constantTimeEqual('tnnArxj06cWHq44gCs1OSKk/jLY=', 'tnnArxj06cWHq44gCs1OSKk/jLZ=')).toBe(false);
  });

  it('handles different lengths and empty strings without throwing', () => {
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
