import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { In, MoreThan, Repository } from 'typeorm';
import { whereContains } from '../database/contains-filter';
import { Transactions } from '../database/transactions';
import { Clock } from '../common/clock';
import { DomainException, RecordNotFoundException, FormValidationException } from '../common/domain.exception';
import { AclDeployment } from './acl-deployment.entity';
import { insertAclRows, ROWS_PER_STATEMENT, updateAclRows } from './acl-bulk-writes';
import { aclFromForm } from './acl-form';
import { aclScopeWarnings } from './acl-scope';
import { columnsOf, compareWithDeployedInSlices, definitionOf, engineAclOf, exportRecordOf, type AclDeployState, type DeployComparison } from './acl-record';
import { StoredAcl } from './acl.entity';
import { DeployedAclCache } from './deployed-acl-cache';
import type { AclFormDto } from './dto/acl-form.dto';
import {
  AclCompileError,
  AclDefinitionsValidator,
  aclSetWarnings,
  aclWarningsFor,
  ACL_IMPORT_MAX_ACLS,
  compareCodePoints,
  compileAcls,
  compileAclsInChunks,
  sortAclsForEvaluation,
  type Acl,
  type CompiledAclSet,
} from './engine';
import { WorkPacer } from './work-pacer';
import { ACL_YAML_MAX_BYTES, parseAclYamlFile, type AclYamlLimits } from './yaml/acl-yaml';
import { aclExportBody, exportAclsToYaml, YAML_DOCUMENT_START } from './yaml/acl-yaml-export';

/** add: refuse names that exist; overwrite: replace them in place; replaceAll: the files become the drafts. */
export type AclImportMode = 'add' | 'overwrite' | 'replaceAll';

export interface AclImportFile {
  /** Shown in messages when several files are imported together. */
  readonly name: string;
  readonly content: string | Uint8Array;
}

export interface AclImportResult {
  readonly added: string[];
  readonly updated: string[];
  /** Drafts deleted because "replace all drafts" was chosen and the files do not hold them. */
  readonly removed: string[];
  /** Valid but surprising ACLs, and what socialdesk ignores (also shown in the list). */
  readonly warnings: string[];
}

export interface AclDeployStatus {
  readonly lastDeployment?: { readonly id: number; readonly deployedBy: string; readonly deployedAt: number; readonly count: number };
  readonly comparison: DeployComparison;
}

export interface ListedAcl {
  readonly row: StoredAcl;
  readonly deployState?: AclDeployState;
  /** What is surprising about it, or ignored by socialdesk ("has no effect here: …"). */
  readonly warnings: string[];
}

export interface AclOverviewQuery {
  /** Name, comment or description containing this, ignoring case. */
  readonly filter?: string;
  /** Only ACLs with warnings. */
  readonly warningsOnly?: boolean;
  /** 1-based. */
  readonly page?: number;
}

export interface AclOverview {
  readonly acls: ListedAcl[];
  readonly total: number;
  /** ACLs that pass the filter (on all pages). */
  readonly matching: number;
  /** ACLs with at least one warning (of all). */
  readonly withWarnings: number;
  readonly page: number;
  readonly pages: number;
  readonly status: AclDeployStatus;
  /** Warnings about the set as a whole. */
  readonly warnings: string[];
}

export interface AclExportPart {
  /** Position of its first ACL in evaluation order (0-based), and how many it holds. */
  readonly start: number;
  readonly count: number;
  readonly bytes: number;
}

export interface AclExportParts {
  /** Changes whenever the drafts change, so a part link of an older state is refused. */
  readonly version: string;
  /** Export files, each within the web upload's limits, together holding every ACL. */
  readonly parts: AclExportPart[];
}

/** Who did it when nobody is logged in. */
export const CLI_ACTOR = 'cli';
/** Rows per list page. */
export const ACL_PAGE_SIZE = 100;
/** At most this many problems or warnings go into one message; the rest are counted. */
const MESSAGE_LINES = 100;
const FLASH_WARNINGS = 20;

const folded = (name: string) => name.toLowerCase();
/** Rows per query when all drafts are read. */
const LOAD_PAGE = 1_000;

/** The first `max` lines, and a count of the others. */
function capped(lines: readonly string[], max: number): string[] {
  return lines.length <= max ? [...lines] : [...lines.slice(0, max), `… and ${lines.length - max} more`];
}

/** Everything worth a warning about one ACL: surprises (OR-ed negations, \b) and what socialdesk ignores. */
export function aclNotes(acl: Acl): string[] {
  return [...aclWarningsFor(acl), ...aclScopeWarnings(acl)];
}

/**
 * ACL drafts (CRUD, import, export, delete) and deployment (docs/ACL.md). Only a deploy changes
 * what the engine runs on; every app instance reads the newest deployment. Work on large sets
 * runs in slices with pauses (WorkPacer), so 10,000 ACLs never hold the event loop for long.
 */
@Injectable()
export class AclStoreService {
  private readonly logger = new Logger(AclStoreService.name);
  private readonly cache: DeployedAclCache;

  constructor(
    @InjectRepository(StoredAcl) private readonly acls: Repository<StoredAcl>,
    @InjectRepository(AclDeployment) private readonly deployments: Repository<AclDeployment>,
    private readonly transactions: Transactions,
    private readonly pacer: WorkPacer,
    private readonly clock: Clock,
  ) {
    this.cache = new DeployedAclCache(
      {
        latestId: async () => (await this.latestDeployment(false))?.id ?? null,
        load: async (id) => parseSnapshot((await this.deployments.findOneByOrFail({ id })).acls),
      },
      () => this.clock.now(),
      undefined,
      (acls) => this.compileDeployed(acls),
    );
  }

  /** All drafts in evaluation order (code points of the name, §5.2). */
  async list(): Promise<StoredAcl[]> {
    return (await this.loadAll()).sort((a, b) => compareCodePoints(a.name, b.name));
  }

  /** Every draft row, read a page at a time (turning 10,000 rows into entities at once holds the event loop). */
  private async loadAll(): Promise<StoredAcl[]> {
    const rows: StoredAcl[] = [];
    for (let last = 0; ;) {
      const page = await this.acls.find({ where: { id: MoreThan(last) }, order: { id: 'ASC' }, take: LOAD_PAGE });
      rows.push(...page);
      if (page.length < LOAD_PAGE) return rows;
      last = page[page.length - 1].id;
      await this.pacer.pause();
    }
  }

  /** The engine form of rows, in slices. */
  private async engineAcls(rows: readonly StoredAcl[]): Promise<Acl[]> {
    const acls: Acl[] = [];
    await this.pacer.inSlices(rows, 1_000, (slice) => {
      for (const row of slice) acls.push(engineAclOf(row));
    });
    return acls;
  }

  async get(id: number): Promise<StoredAcl> {
    const acl = await this.acls.findOneBy({ id });
    if (!acl) throw new RecordNotFoundException('acl.error.notFound');
    return acl;
  }

  /** The rows of these ids, in evaluation order; unknown ids are an error. */
  async getMany(ids: readonly number[]): Promise<StoredAcl[]> {
    const unique = [...new Set(ids)];
    const rows = unique.length > 0 ? await this.acls.findBy({ id: In(unique) }) : [];
    if (rows.length !== unique.length) throw new RecordNotFoundException('acl.error.notFound');
    return rows.sort((a, b) => compareCodePoints(a.name, b.name));
  }

  async create(form: AclFormDto, actor: string): Promise<StoredAcl> {
    const acl = checkedForm(form);
    await this.assertNameFree(acl.Name);
    return this.acls.save(this.acls.create({ ...columnsOf(acl), createdBy: actor, changedBy: actor }));
  }

  async update(id: number, form: AclFormDto, actor: string): Promise<StoredAcl> {
    const row = await this.get(id);
    const acl = checkedForm(form);
    await this.assertNameFree(acl.Name, id);
    return this.acls.save(Object.assign(row, columnsOf(acl), { changedBy: actor }));
  }

  /** Deletes one ACL, valid or not (OTRS's database layer allows it); it leaves the engine at the next deploy. */
  async delete(id: number): Promise<StoredAcl> {
    const [row] = await this.deleteMany([id]);
    return row;
  }

  /** Deletes these ACLs (all or none), in slices; returns them. */
  async deleteMany(ids: readonly number[]): Promise<StoredAcl[]> {
    if (ids.length === 0) throw new DomainException('acl.delete.error.noneChosen');
    return this.transactions.run(async (manager) => {
      const repository = manager.getRepository(StoredAcl);
      const unique = [...new Set(ids)];
      const rows: StoredAcl[] = [];
      await this.pacer.inSlices(unique, 500, async (slice) => {
        rows.push(...(await repository.findBy({ id: In([...slice]) })));
      });
      if (rows.length !== unique.length) throw new RecordNotFoundException('acl.error.notFound');
      await this.pacer.inSlices(unique, 500, async (slice) => {
        await repository.delete({ id: In([...slice]) });
      });
      return rows.sort((a, b) => compareCodePoints(a.name, b.name));
    });
  }

  /** One export text, as before (the tickets' tests and the command line use it). */
  importYaml(input: string | Uint8Array, options: { overwrite: boolean; actor: string }): Promise<AclImportResult> {
    return this.importFiles([{ name: 'text', content: input }], { mode: options.overwrite ? 'overwrite' : 'add', actor: options.actor });
  }

  /**
   * Imports one or more ACL exports: all ACLs of all files or none. The limits apply per file
   * (1 MiB and 10,000 ACLs by default, as for the web upload; the command line passes none).
   * Names must be unique ignoring case across the files. A name that exists is refused (add),
   * replaced in place (overwrite), and with replaceAll every draft not in the files is deleted.
   */
  async importFiles(files: readonly AclImportFile[], options: { mode: AclImportMode; actor: string; limits?: AclYamlLimits }): Promise<AclImportResult> {
    const limits = { maxBytes: ACL_YAML_MAX_BYTES, maxAcls: ACL_IMPORT_MAX_ACLS, ...options.limits };
    const pause = () => this.pacer.pause();
    const acls: Acl[] = [];
    const problems: string[] = [];
    const seen = new Map<string, string>();
    for (const file of files) {
      const label = files.length > 1 ? `${file.name}: ` : '';
      const parsed = await parseAclYamlFile(file.content, { ...limits, pause });
      if (!parsed.ok) {
        problems.push(...parsed.errors.map((error) => `${label}${error}`));
        continue;
      }
      for (const acl of parsed.acls) {
        const first = seen.get(folded(acl.Name));
        if (first !== undefined) problems.push(`${label}ACL ${JSON.stringify(acl.Name)}: Name: used already in ${first} (names are unique ignoring case)`);
        else seen.set(folded(acl.Name), file.name);
      }
      acls.push(...parsed.acls);
    }
    if (problems.length > 0) {
      throw new DomainException('acl.error.importInvalid', 'yaml', { count: problems.length, problems: capped(problems, MESSAGE_LINES).join('\n') });
    }

    const warnings: string[] = [];
    await this.pacer.inSlices(acls, 500, (slice) => {
      for (const acl of slice) warnings.push(...aclNotes(acl));
    });
    warnings.push(...aclSetWarnings(acls));

    const written = await this.transactions.run(async (manager) => {
      // On SQLite the pauses below let other requests in while this transaction is open; plain
      // writes they make on the shared connection commit together with it (it only rolls back
      // when the database itself fails).
      const repository = manager.getRepository(StoredAcl);
      const existing = await repository.find({ select: { id: true, name: true } });
      const byName = new Map(existing.map((row) => [folded(row.name), row]));
      const taken = acls.flatMap((acl) => byName.get(folded(acl.Name)) ?? []);
      if (taken.length > 0 && options.mode === 'add') {
        // Next to "ACLs that exist already": the choice that resolves it, whether the YAML came as a file or pasted.
        throw new DomainException('acl.error.namesExist', 'mode', {
          names: capped(
            taken.map((row) => `"${row.name}"`),
            20,
          ).join(', '),
        });
      }
      const incoming = new Set(acls.map((acl) => folded(acl.Name)));
      const removed = options.mode === 'replaceAll' ? existing.filter((row) => !incoming.has(folded(row.name))) : [];
      await this.pacer.inSlices(removed, 500, async (slice) => {
        await repository.delete({ id: In(slice.map((row) => row.id)) });
      });
      const updates = acls.filter((acl) => byName.has(folded(acl.Name)));
      await pause();
      await this.pacer.inSlices(updates, ROWS_PER_STATEMENT, async (slice) => {
        // Overwrite takes every field from the file, as OTRS does: a missing section is cleared.
        await updateAclRows(
          manager,
          slice.map((acl) => ({ id: byName.get(folded(acl.Name))!.id, ...columnsOf(acl), changedBy: options.actor })),
          this.clock.now(),
        );
      });
      const inserts = acls.filter((acl) => !byName.has(folded(acl.Name)));
      await pause();
      await this.pacer.inSlices(inserts, ROWS_PER_STATEMENT, async (slice) => {
        await insertAclRows(
          manager,
          slice.map((acl) => ({ ...columnsOf(acl), createdBy: options.actor, changedBy: options.actor })),
          this.clock.now(),
        );
      });
      return { added: inserts.map((acl) => acl.Name), updated: updates.map((acl) => acl.Name), removed: removed.map((row) => row.name) };
    });
    return { ...written, warnings };
  }

  /** The export file of all ACLs (valid or not, as OTRS exports them), or of the given ids. */
  async exportYaml(ids?: readonly number[]): Promise<string> {
    const rows = ids ? await this.getMany(ids) : await this.list();
    const bodies: string[] = [];
    await this.pacer.inSlices(rows, 250, (slice) => {
      for (const row of slice) bodies.push(aclExportBody(exportRecordOf(row)));
    });
    return rows.length === 0 ? exportAclsToYaml([]) : YAML_DOCUMENT_START + bodies.join('');
  }

  /**
   * How all ACLs split into export files that each fit the web upload (1 MiB, 10,000 ACLs), so
   * an export of any size can be imported back in the browser (all files in one upload).
   */
  async exportParts(limits: { maxBytes: number; maxAcls: number } = { maxBytes: ACL_YAML_MAX_BYTES, maxAcls: ACL_IMPORT_MAX_ACLS }): Promise<AclExportParts> {
    const rows = await this.list();
    const parts: AclExportPart[] = [];
    const header = Buffer.byteLength(YAML_DOCUMENT_START);
    let current = { start: 0, count: 0, bytes: header };
    await this.pacer.inSlices(rows, 250, (slice, offset) => {
      slice.forEach((row, i) => {
        const size = Buffer.byteLength(aclExportBody(exportRecordOf(row)));
        if (current.count > 0 && (current.bytes + size > limits.maxBytes || current.count >= limits.maxAcls)) {
          parts.push(current);
          current = { start: offset + i, count: 0, bytes: header };
        }
        current.count++;
        current.bytes += size;
      });
    });
    if (current.count > 0) parts.push(current);
    return { version: versionOf(rows), parts };
  }

  /** One file of exportParts, if the drafts are still those of `version` (else the parts have moved). */
  async exportPart(version: string, start: number, count: number): Promise<string> {
    // Only what the version is made of, for all rows; the whole rows only for this part.
    const keys = (await this.acls.find({ select: { id: true, name: true, changedAt: true } })).sort((a, b) => compareCodePoints(a.name, b.name));
    if (versionOf(keys) !== version) throw new DomainException('acl.export.error.changed');
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > keys.length) throw new RecordNotFoundException('acl.error.notFound');
    const rows = await this.getMany(keys.slice(start, start + count).map((row) => row.id));
    const bodies: string[] = [];
    await this.pacer.inSlices(rows, 250, (slice) => {
      for (const row of slice) bodies.push(aclExportBody(exportRecordOf(row)));
    });
    return YAML_DOCUMENT_START + bodies.join('');
  }

  /** Checks and compiles the valid drafts (any number), then makes them the deployed set of every instance. */
  async deploy(actor: string): Promise<{ count: number }> {
    const rows = await this.loadAll();
    const validator = new AclDefinitionsValidator();
    await this.pacer.inSlices(rows, 500, (slice) => {
      for (const row of slice) validator.add(definitionOf(row));
    });
    const checked = validator.result();
    if (!checked.ok) throw new DomainException('acl.error.deployInvalid', undefined, { problems: capped(checked.errors, 20).join('; ') });
    const valid = sortAclsForEvaluation(checked.acls.filter((acl) => acl.ValidID === 1));
    let set: CompiledAclSet;
    try {
      set = await compileAclsInChunks(valid, () => this.pacer.pause());
    } catch (error) {
      if (error instanceof AclCompileError) throw new DomainException('acl.error.deployInvalid', undefined, { problems: error.message });
      throw error;
    }
    await this.pacer.pause();
    const row = await this.deployments.save(this.deployments.create({ acls: JSON.stringify(valid), deployedBy: actor }));
    this.cache.replace(row.id, set);
    return { count: valid.length };
  }

  /** The deployed set, compiled; less than a second behind a deploy made by another instance. */
  deployedSet(): Promise<CompiledAclSet> {
    return this.cache.get();
  }

  /** The valid drafts as they would run after a deploy (for the simulator). */
  async draftSet(): Promise<CompiledAclSet> {
    return this.compileDeployed(await this.engineAcls(await this.loadAll()));
  }

  /** One page of the list: drafts in evaluation order with their deploy state and warnings. */
  async overview(query: AclOverviewQuery = {}): Promise<AclOverview> {
    const rows = await this.list();
    const acls = await this.engineAcls(rows);
    const status = await this.statusOf(acls);
    // The text filter in SQL; "with warnings only" in memory, since warnings come from the compiled ACL.
    const term = query.filter?.trim() ?? '';
    const containing = term === '' ? undefined : new Set(await this.idsContaining(term));
    const listed: ListedAcl[] = [];
    let withWarnings = 0;
    await this.pacer.inSlices(rows, 500, (slice, offset) => {
      slice.forEach((row, i) => {
        const warnings = aclNotes(acls[offset + i]);
        if (warnings.length > 0) withWarnings++;
        if (containing && !containing.has(row.id)) return;
        if (query.warningsOnly && warnings.length === 0) return;
        listed.push({ row, deployState: status.comparison.states.get(row.name), warnings });
      });
    });
    const pages = Math.max(1, Math.ceil(listed.length / ACL_PAGE_SIZE));
    const page = Math.min(Math.max(1, Math.floor(query.page ?? 1) || 1), pages);
    return {
      acls: listed.slice((page - 1) * ACL_PAGE_SIZE, page * ACL_PAGE_SIZE),
      total: rows.length,
      matching: listed.length,
      withWarnings,
      page,
      pages,
      status,
      warnings: aclSetWarnings(acls),
    };
  }

  /** Ids of the drafts whose name, comment or description contains the term (in SQL, any case). */
  private async idsContaining(term: string): Promise<number[]> {
    const matching = whereContains(this.acls.createQueryBuilder('a').select('a.id', 'id'), ['a.name', 'a.comment', 'a.description'], term);
    return (await matching.getRawMany<{ id: number | string }>()).map((row) => Number(row.id));
  }

  /** Warnings to show after an import: the first few, and how many more the list shows. */
  flashWarnings(warnings: readonly string[]): string[] {
    return capped(warnings, FLASH_WARNINGS);
  }

  /** When and by whom the last deploy was made, and how the drafts differ from it. */
  async deployStatus(): Promise<AclDeployStatus> {
    return this.statusOf(await this.engineAcls(await this.loadAll()));
  }

  private async statusOf(drafts: readonly Acl[]): Promise<AclDeployStatus> {
    const latest = await this.latestDeployment(true);
    await this.pacer.pause();
    const deployed = latest ? parseSnapshot(latest.acls) : [];
    const comparison = await compareWithDeployedInSlices(drafts, deployed, () => this.pacer.pause());
    if (!latest) return { comparison };
    return { comparison, lastDeployment: { id: latest.id, deployedBy: latest.deployedBy, deployedAt: latest.deployedAt, count: deployed.length } };
  }

  /** Compiles a deployed snapshot in slices, leaving out (and logging) ACLs this version cannot run. */
  private compileDeployed(acls: readonly Acl[]): Promise<CompiledAclSet> {
    return compileSnapshot(
      acls,
      () => this.pacer.pause(),
      (message) => this.logger.error(message),
    );
  }

  private async latestDeployment(withAcls: boolean): Promise<AclDeployment | undefined> {
    // Only the id when checking for news: the snapshot is read when it changed.
    const [latest] = await this.deployments.find({ order: { id: 'DESC' }, take: 1, select: withAcls ? undefined : { id: true } });
    return latest;
  }

  /** Unique ignoring case (DB:142-163), compared the same way as import does (not SQL LOWER, which is ASCII-only on SQLite). */
  private async assertNameFree(name: string, exceptId?: number): Promise<void> {
    const existing = (await this.acls.find({ select: { id: true, name: true } })).find((row) => folded(row.name) === folded(name));
    if (existing && existing.id !== exceptId) throw new DomainException('acl.error.nameTaken', 'name', { name });
  }
}

/**
 * A snapshot deployed by an older version may hold an item this version refuses (a pattern RE2
 * cannot run): that ACL is left out and reported, the rest runs, and deploying again names it.
 * Failing the whole set instead would refuse every agent screen.
 */
export async function compileSnapshot(acls: readonly Acl[], pause: () => Promise<void>, report: (message: string) => void): Promise<CompiledAclSet> {
  try {
    return await compileAclsInChunks(acls, pause);
  } catch (error) {
    if (!(error instanceof AclCompileError)) throw error;
    const usable = acls.filter((acl) => {
      try {
        compileAcls([acl]);
        return true;
      } catch (problem) {
        report(`deployed ACL left out: ${(problem as Error).message}`);
        return false;
      }
    });
    return compileAclsInChunks(usable, pause);
  }
}

function checkedForm(form: AclFormDto): Acl {
  const result = aclFromForm(form);
  if (!result.ok) throw new FormValidationException(result.errors);
  return result.acl;
}

function parseSnapshot(json: string): Acl[] {
  return JSON.parse(json) as Acl[];
}

/** A short digest of what the drafts are now (ids, names and change times). */
function versionOf(rows: readonly Pick<StoredAcl, 'id' | 'name' | 'changedAt'>[]): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(`${row.id}\u0000${row.name}\u0000${row.changedAt}\n`);
  return hash.digest('hex').slice(0, 16);
}
