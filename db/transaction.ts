import type { Database } from "./client";

/** A transaction handle; services accept either this or the database so they compose inside transactions. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type Queryable = Database | Transaction;
