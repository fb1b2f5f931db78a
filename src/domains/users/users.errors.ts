import { ConflictError, NotFoundError } from "../../lib/errors";

export class UserNotFoundError extends NotFoundError {
  static override readonly code = "user_not_found";
  static override readonly detail = "No user with this id";
}

export class EmailTakenError extends ConflictError {
  static override readonly code = "email_taken";
  static override readonly title = "Email taken";
  static override readonly detail = "An account with this email exists";
}

export class CannotLockSelfOutError extends ConflictError {
  static override readonly code = "cannot_lock_self_out";
  static override readonly title = "Cannot lock yourself out";
  static override readonly detail =
    "An admin cannot remove its own admin role or deactivate itself";
}

export class CannotDeleteSelfError extends ConflictError {
  static override readonly code = "cannot_delete_self";
  static override readonly title = "Cannot delete yourself";
  static override readonly detail = "An admin cannot delete its own account";
}

export class UserHasOrdersError extends ConflictError {
  static override readonly code = "user_has_orders";
  static override readonly title = "User has orders";
  static override readonly detail =
    "This user has orders, which must be kept; deactivate the account instead";
}

export class LastActiveAdminError extends ConflictError {
  static override readonly code = "last_active_admin";
  static override readonly title = "Last active admin";
  static override readonly detail =
    "The last active admin cannot delete its own account; make another admin first";
}
