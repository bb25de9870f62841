/**
 * Branded numeric types: an `Offset` cannot be passed where a `Term` is expected by accident.
 * All are plain JavaScript numbers at run time; offsets stay below 2^53, far beyond what a log
 * reaches (a million records a second for 285 years).
 */

declare const brand: unique symbol;
type Brand<T, Name extends string> = T & { readonly [brand]: Name };

/** Position of a record in a partition log; also the Raft index (ARCHITECTURE.md, decision 2). */
export type Offset = Brand<number, 'Offset'>;
/** Raft term, stored in each batch as its partition leader epoch. */
export type Term = Brand<number, 'Term'>;
export type BrokerId = Brand<number, 'BrokerId'>;
export type ProducerId = Brand<number, 'ProducerId'>;

export const asOffset = (value: number): Offset => value as Offset;
export const asTerm = (value: number): Term => value as Term;
export const asBrokerId = (value: number): BrokerId => value as BrokerId;
export const asProducerId = (value: number): ProducerId => value as ProducerId;
