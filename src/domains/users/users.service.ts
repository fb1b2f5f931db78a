import type { Principal } from "../auth/auth.principal";
import type { UsersRepository } from "./users.repository";

export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  /** The caller behind a token, or null when the account is gone or deactivated. */
  async findActivePrincipal(userId: string): Promise<Principal | null> {
    const user = await this.users.findById(userId);
    if (!user?.isActive) return null;
    return { id: user.id, email: user.email, role: user.role, tier: user.tier };
  }
}
