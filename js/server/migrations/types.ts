/** What a migration is, and the column types it may use on each engine. */
import { sql, type Kysely, type RawBuilder } from "kysely";

export type Engine = "sqlite" | "mysql";

export interface Migration {
  /** Sorts in application order; recorded in `whmcsperm_migrations` once applied. */
  name: string;
  up(db: Kysely<any>, engine: Engine): Promise<void>;
}

type DataType = "integer" | "bigint" | "text" | "blob" | RawBuilder<unknown>;

/** Column types per engine: the same meaning, each engine's spelling. */
export function columnTypes(engine: Engine) {
  const mysql = engine === "mysql";
  return {
    /** A record id. In SQLite `integer primary key` is the rowid itself (no second index). */
    id: (mysql ? "bigint" : "integer") as DataType,
    int: (mysql ? "bigint" : "integer") as DataType,
    flag: (mysql ? sql`tinyint` : "integer") as DataType,
    /** Free text of any length (names, emails, JSON). */
    text: (mysql ? sql`longtext` : "text") as DataType,
    /** A match key: bytes, compared byte by byte (no collation, no PAD SPACE). */
    key: (mysql ? sql`varbinary(512)` : "blob") as DataType,
    /** A comma list of permission names (13 names: at most 115 characters). */
    permissions: (mysql ? sql`varchar(255)` : "text") as DataType,
    token: (mysql ? sql`varchar(64)` : "text") as DataType,
    time: (mysql ? sql`datetime(3)` : "text") as DataType,
  };
}

/** MariaDB table options: InnoDB (transactions, row locks), text stored and compared as is. */
export const tableOptions = (engine: Engine) =>
  engine === "mysql" ? sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin` : sql``;
