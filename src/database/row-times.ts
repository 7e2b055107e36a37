import { EpochMsColumn } from './epoch-ms-column';

/** Which properties of an entity say when its row was created and last changed. */
export interface RowTimeProperties {
  readonly created: string[];
  readonly changed: string[];
}

const rowTimes = new Map<object, RowTimeProperties>();

function record(target: object, property: string | symbol, kind: keyof RowTimeProperties): void {
  const entity = target.constructor;
  const times = rowTimes.get(entity) ?? { created: [], changed: [] };
  times[kind].push(String(property));
  rowTimes.set(entity, times);
}

/**
 * When the row was created: epoch ms from `Clock`, set on insert by RowTimesSubscriber
 * (src/database/row-times.subscriber.ts), never by the database's clock.
 */
export function CreatedAtColumn(name = 'created_at'): PropertyDecorator {
  return (target, property) => {
    EpochMsColumn({ name })(target, property);
    record(target, property, 'created');
  };
}

/** When the row last changed: epoch ms from `Clock`, set on insert and on every update by RowTimesSubscriber. */
export function ChangedAtColumn(name = 'changed_at'): PropertyDecorator {
  return (target, property) => {
    EpochMsColumn({ name })(target, property);
    record(target, property, 'changed');
  };
}

export function rowTimesOf(entity: unknown): RowTimeProperties | undefined {
  return typeof entity === 'function' ? rowTimes.get(entity) : undefined;
}
