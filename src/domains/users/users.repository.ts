import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type UserRow, users } from "./users.table";

export interface UsersRepository {
  findById(id: string): Promise<UserRow | null>;
}

export class D1UsersRepository implements UsersRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<UserRow | null> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return row ?? null;
  }
}
