import { DEPLOYED_SET_RECHECK_MS, DeployedAclCache, type DeploymentSource } from './deployed-acl-cache';
import { compileAcls, type Acl } from './engine';

const acl = (Name: string, ValidID: Acl['ValidID'] = 1): Acl => ({
  Name,
  Comment: null,
  Description: '',
  StopAfterMatch: false,
  ValidID,
  ConfigMatch: null,
  ConfigChange: { PossibleNot: { Ticket: { Queue: ['Junk'] } } },
});

/** A database with deployment rows, counting the queries the cache makes. */
function fakeSource() {
  const rows = new Map<number, Acl[]>();
  const calls = { latestId: 0, load: 0 };
  const source: DeploymentSource = {
    async latestId() {
      calls.latestId++;
      return rows.size > 0 ? Math.max(...rows.keys()) : null;
    },
    async load(id) {
      calls.load++;
      return rows.get(id) ?? [];
    },
  };
  return { source, rows, calls };
}

describe('the deployed ACL set cache', () => {
  let time: number;
  const now = () => time;
  beforeEach(() => (time = 1_000_000));

  it('is an empty set before anything was deployed', async () => {
    const { source } = fakeSource();
    expect((await new DeployedAclCache(source, now).get()).names).toEqual([]);
  });

  it('compiles a deployment once and asks the database at most once per interval', async () => {
    const { source, rows, calls } = fakeSource();
    rows.set(1, [acl('a')]);
    const cache = new DeployedAclCache(source, now);
    const first = await cache.get();
    time += DEPLOYED_SET_RECHECK_MS - 1;
    expect(await cache.get()).toBe(first);
    expect(calls).toEqual({ latestId: 1, load: 1 });
    time += 1;
    expect(await cache.get()).toBe(first);
    expect(calls).toEqual({ latestId: 2, load: 1 });
  });

  it('rechecks at least once a second, so another instance picks a deploy up within a second', () => {
    expect(DEPLOYED_SET_RECHECK_MS).toBeLessThanOrEqual(1000);
  });

  it('picks up a deployment made by another instance after the interval', async () => {
    const { source, rows } = fakeSource();
    rows.set(1, [acl('a')]);
    const cache = new DeployedAclCache(source, now);
    expect((await cache.get()).names).toEqual(['a']);
    rows.set(2, [acl('a'), acl('b')]);
    expect((await cache.get()).names).toEqual(['a']);
    time += DEPLOYED_SET_RECHECK_MS;
    expect((await cache.get()).names).toEqual(['a', 'b']);
  });

  it('uses its own deployment at once, without a query', async () => {
    const { source, calls } = fakeSource();
    const cache = new DeployedAclCache(source, now, 2000);
    cache.replace(7, compileAcls([acl('mine'), acl('invalid', 2)]));
    expect((await cache.get()).names).toEqual(['mine']);
    expect(calls.latestId).toBe(0);
  });

  it('shares one refresh between concurrent requests', async () => {
    const { source, rows, calls } = fakeSource();
    rows.set(1, [acl('a')]);
    const cache = new DeployedAclCache(source, now);
    const [x, y] = await Promise.all([cache.get(), cache.get()]);
    expect(x).toBe(y);
    expect(calls).toEqual({ latestId: 1, load: 1 });
  });

  it('never goes back to an older deployment answered late', async () => {
    const { source, rows } = fakeSource();
    rows.set(3, [acl('old')]);
    const cache = new DeployedAclCache(source, now, 2000);
    cache.replace(4, compileAcls([acl('new')]));
    time += 5000;
    expect((await cache.get()).names).toEqual(['new']);
  });
});
