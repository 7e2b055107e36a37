import { baseUrlProblems, pickOurs } from './profile-receiving.service';

describe('what X would say about BASE_URL (wizard step 1)', () => {
  it.each([
    ['https://support.example.com', []],
    ['https://support.example.com/desk', []],
    ['http://support.example.com', ['profiles.step1.warnHttp']],
    ['https://support.example.com:8443', ['profiles.step1.warnPort']],
    ['http://localhost:3000', ['profiles.step1.warnHttp', 'profiles.step1.warnPort', 'profiles.step1.warnLocal']],
    ['https://127.0.0.1', ['profiles.step1.warnLocal']],
    ['https://192.168.1.20', ['profiles.step1.warnLocal']],
    ['https://172.20.0.3', ['profiles.step1.warnLocal']],
    ['https://10.1.2.3', ['profiles.step1.warnLocal']],
    ['https://[::1]', ['profiles.step1.warnLocal']],
    ['https://[fd00::1]', ['profiles.step1.warnLocal']],
    ['https://helpdesk', ['profiles.step1.warnLocal']],
    ['https://desk.local', ['profiles.step1.warnLocal']],
    ['https://172.32.0.1', []],
    ['not a url', ['profiles.step1.warnNotUrl']],
  ])('%s → %j', (baseUrl, problems) => {
    expect(baseUrlProblems(baseUrl)).toEqual(problems);
  });
});

describe('which registered webhook is ours', () => {
  const base = 'https://desk.example.com';
  const webhook = (id: string, url: string) => ({ id, url, valid: true });

  it("prefers the profile's own URL, else another profile's on this instance", () => {
    const own = webhook('2', `${base}/webhooks/x/5`);
    const sibling = webhook('1', `${base}/webhooks/x/3`);
    expect(pickOurs([sibling, own], `${base}/webhooks/x/5`, base)).toBe(own);
    expect(pickOurs([sibling], `${base}/webhooks/x/5`, base)).toBe(sibling);
  });

  it('never takes a stranger’s, another instance’s or a look-alike URL', () => {
    for (const url of [
      'https://other.example.com/webhooks/x/5',
      `${base}.evil.com/webhooks/x/5`,
      `${base}/webhooks/x/5/extra`,
      `${base}/webhooks/x/`,
      `${base}/webhooks/xx/5`,
      `${base}/webhooks/x/5?crc=1`,
      'http://desk.example.com/webhooks/x/5',
    ]) {
      expect(pickOurs([webhook('1', url)], `${base}/webhooks/x/9`, base)).toBeUndefined();
    }
  });

  it('treats characters of BASE_URL literally', () => {
    const odd = 'https://desk.example.com/a+b';
    expect(pickOurs([webhook('1', 'https://desk.example.com/aab/webhooks/x/1')], `${odd}/webhooks/x/2`, odd)).toBeUndefined();
    expect(pickOurs([webhook('1', `${odd}/webhooks/x/1`)], `${odd}/webhooks/x/2`, odd)?.id).toBe('1');
  });
});
