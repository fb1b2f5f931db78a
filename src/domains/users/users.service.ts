import type { BatchRead, Statement, UnitOfWorkFactory } from "../../db/unit-of-work";
import { type Clock, isoNow } from "../../lib/clock";
import { newestFirstPage, type Page } from "../../lib/cursor";
import { newId } from "../../lib/ids";
import {
  CannotDeleteSelfError,
  CannotLockSelfOutError,
  EmailTakenError,
  LastActiveAdminError,
  UserHasOrdersError,
  UserNotFoundError,
} from "./users.errors";
import type { UserChanges, UserFilter, UsersRepository } from "./users.repository";
import type { UserRow } from "./users.table";
import type { Role, Tier } from "./users.values";

/** A user as the rest of the app sees it: never the password hash. */
export type User = {
  id: string;
  email: string;
  name: string;
  role: Role;
  tier: Tier;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
};

/** An active account as authentication needs it: who, and what they may do. */
export type ActiveUser = Pick<User, "id" | "email" | "role" | "tier">;

/** Only for the auth domain, which verifies passwords; never leaves the server. */
export type UserCredentials = User & { passwordHash: string };

export type NewUser = { email: string; name: string; passwordHash: string; role?: Role };

export type AdminUserPatch = { name?: string; role?: Role; tier?: Tier; isActive?: boolean };

/** Revokes every session (refresh token family) of a user, as part of the caller's batch. */
export interface SessionRevoker {
  revokeAllForUser(userId: string, at: Date): Statement;
}

/** Emails are compared and stored lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    tier: row.tier,
    isActive: row.isActive,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A principal's account as the app sees it: null when it is gone or deactivated. */
function activeUser(row: Pick<UserRow, "id" | "email" | "role" | "tier" | "isActive"> | null) {
  return row?.isActive ? { id: row.id, email: row.email, role: row.role, tier: row.tier } : null;
}

/** Not a hash any password can match: the erased account can never log in again. */
const ERASED_PASSWORD_HASH = "erased";

export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly unitOfWork: UnitOfWorkFactory,
    private readonly sessions: SessionRevoker,
    private readonly clock: Clock,
  ) {}

  /** The caller behind a token (null: gone or deactivated), read inside a caller's write batch. */
  activePrincipalInBatch(userId: string): BatchRead<ActiveUser | null> {
    const { statement, read } = this.users.findInBatch(userId);
    return { statement, read: (result) => activeUser(read(result)) };
  }

  async getById(userId: string): Promise<User> {
    const row = await this.users.findById(userId);
    if (!row) throw new UserNotFoundError();
    return toUser(row);
  }

  async findCredentialsByEmail(email: string): Promise<UserCredentials | null> {
    const row = await this.users.findByEmail(normalizeEmail(email));
    return row ? { ...toUser(row), passwordHash: row.passwordHash } : null;
  }

  async findCredentialsById(userId: string): Promise<UserCredentials | null> {
    const row = await this.users.findById(userId);
    return row ? { ...toUser(row), passwordHash: row.passwordHash } : null;
  }

  /** email_taken when an account has this email (in any case). */
  async assertEmailAvailable(email: string): Promise<void> {
    if (await this.users.findByEmail(normalizeEmail(email))) throw new EmailTakenError();
  }

  async create(input: NewUser): Promise<User> {
    const now = isoNow(this.clock);
    const row: UserRow = {
      id: newId(),
      email: normalizeEmail(input.email),
      name: input.name,
      passwordHash: input.passwordHash,
      role: input.role ?? "customer",
      tier: "standard",
      isActive: true,
      createdAt: now,
      updatedAt: now,
    };
    if ((await this.users.insert(row)) === "email_taken") throw new EmailTakenError();
    return toUser(row);
  }

  /** A password change for the caller's batch (the auth domain revokes sessions with it). */
  setPasswordHash(userId: string, passwordHash: string, at: Date): Statement {
    return this.users.update(userId, { passwordHash, updatedAt: at.toISOString() });
  }

  async updateProfile(userId: string, patch: { name: string }): Promise<User> {
    const current = await this.getById(userId);
    const changes: UserChanges = { name: patch.name, updatedAt: isoNow(this.clock) };
    await this.unitOfWork.begin().add(this.users.update(userId, changes)).commit();
    return { ...current, name: patch.name, updatedAt: changes.updatedAt };
  }

  /**
   * Admin edit. Deactivating revokes every session in the same batch; the access tokens
   * already out stop working at once because each request re-reads the user. An admin
   * cannot demote or deactivate itself (it could lock the last admin out).
   */
  async adminUpdate(actorId: string, userId: string, patch: AdminUserPatch): Promise<User> {
    const current = await this.getById(userId);
    if (
      actorId === userId &&
      ((patch.role !== undefined && patch.role !== "admin") || patch.isActive === false)
    ) {
      throw new CannotLockSelfOutError();
    }
    const changes = Object.fromEntries(
      Object.entries(patch).filter(([, value]) => value !== undefined),
    ) as AdminUserPatch;
    if (Object.keys(changes).length === 0) return current;

    const now = this.clock.now();
    const work = this.unitOfWork
      .begin()
      .add(this.users.update(userId, { ...changes, updatedAt: now.toISOString() }));
    if (changes.isActive === false && current.isActive) {
      work.add(this.sessions.revokeAllForUser(userId, now));
    }
    await work.commit();
    return { ...current, ...changes, updatedAt: now.toISOString() };
  }

  async delete(actorId: string, userId: string): Promise<void> {
    if (actorId === userId) {
      throw new CannotDeleteSelfError();
    }
    const result = await this.users.delete(userId);
    if (result === "not_found") throw new UserNotFoundError();
    if (result === "referenced") {
      throw new UserHasOrdersError();
    }
  }

  /**
   * Erases the account (the caller has proven it is theirs). Without orders the row goes,
   * and its sessions and reset tokens with it (ON DELETE CASCADE). With orders, which must
   * be kept, the account is anonymised (email, name, an unusable password hash) and
   * deactivated, and its sessions are revoked. Either way, one batch whose first statement
   * refuses to remove the last active admin.
   */
  async erase(userId: string): Promise<void> {
    const now = this.clock.now();
    const guard = this.users.guardLastActiveAdmin(userId, now.toISOString());
    try {
      await this.commitGuarded(guard, this.users.deleteStatement(userId));
    } catch (error) {
      if (!this.users.isReferenced(error)) throw error;
      const anonymised: UserChanges = {
        email: `deleted-${userId}@deleted.invalid`,
        name: "Deleted user",
        passwordHash: ERASED_PASSWORD_HASH,
        isActive: false,
        updatedAt: now.toISOString(),
      };
      await this.commitGuarded(
        guard,
        this.users.update(userId, anonymised),
        this.sessions.revokeAllForUser(userId, now),
      );
    }
  }

  private async commitGuarded(...statements: Statement[]): Promise<void> {
    try {
      await this.unitOfWork
        .begin()
        .add(...statements)
        .commit();
    } catch (error) {
      if (!this.users.isLastAdminRefusal(error)) throw error;
      throw new LastActiveAdminError();
    }
  }

  async list(
    filter: UserFilter,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<Page<User>> {
    const result = await newestFirstPage(page, (request) => this.users.list(filter, request));
    return { items: result.items.map(toUser), nextCursor: result.nextCursor };
  }
}
