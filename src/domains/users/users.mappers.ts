import type { AdminUpdateUser, UserResponse } from "./users.schemas";
import type { AdminUserPatch, User } from "./users.service";

export function toUserResponse(user: User): UserResponse {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    tier: user.tier,
    is_active: user.isActive,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

export function toAdminUserPatch(body: AdminUpdateUser): AdminUserPatch {
  return { name: body.name, role: body.role, tier: body.tier, isActive: body.is_active };
}
