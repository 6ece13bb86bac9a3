/** @module A migration as bundled from `lib/migrate/sql/NNNN_name.sql`. */
export type Migration = { id: string; checksum: string; statements: readonly string[] };
