import { NotFoundException } from '@nestjs/common';
import { MAX_RECORD_ID, RecordIdPipe } from './record-id.pipe';

describe('RecordIdPipe', () => {
  const pipe = new RecordIdPipe();

  it.each(['1', '42', String(MAX_RECORD_ID)])('accepts %s', (value) => {
    expect(pipe.transform(value)).toBe(Number(value));
  });

  it('accepts an id the global validation pipe already made a number, with the same limits', () => {
    expect(pipe.transform(42)).toBe(42);
    for (const bad of [0, -1, 1.5, NaN, Infinity, MAX_RECORD_ID + 1, 1e300]) expect(() => pipe.transform(bad)).toThrow(NotFoundException);
  });

  it.each(['0', '-1', '01', '1.5', '1e3', 'abc', '', ' 1', String(MAX_RECORD_ID + 1), '99999999999', '9'.repeat(30), 'Infinity'])('answers 404 for %j', (value) => {
    expect(() => pipe.transform(value)).toThrow(NotFoundException);
  });
});
