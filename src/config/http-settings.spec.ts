import { loadAppConfig } from './app-config';

describe('HTTP settings', () => {
  it('keeps idle connections 75 s unless KEEP_ALIVE_TIMEOUT_SECONDS says otherwise, and refuses what is no whole number of seconds', () => {
    expect(loadAppConfig({}).keepAliveTimeoutMs).toBe(75_000);
    expect(loadAppConfig({ KEEP_ALIVE_TIMEOUT_SECONDS: '620' }).keepAliveTimeoutMs).toBe(620_000);
    for (const bad of ['0', '-5', '1.5', 'long']) {
      expect(() => loadAppConfig({ KEEP_ALIVE_TIMEOUT_SECONDS: bad })).toThrow('KEEP_ALIVE_TIMEOUT_SECONDS must be a whole number of at least 1');
    }
  });
});
