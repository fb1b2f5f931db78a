import { BadRequestError, ForbiddenError, UnauthenticatedError } from "../../lib/errors";

export class InvalidCredentialsError extends UnauthenticatedError {
  static override readonly code = "invalid_credentials";
  static override readonly detail = "The email or password is incorrect";
}

export class AccountDisabledError extends ForbiddenError {
  static override readonly code = "account_disabled";
  static override readonly detail = "This account is disabled";
}

export class InvalidRefreshTokenError extends UnauthenticatedError {
  static override readonly code = "invalid_refresh_token";
  static override readonly detail: string = "The refresh token is invalid or expired";
}

export class RefreshTokenReusedError extends UnauthenticatedError {
  static override readonly code = "refresh_token_reused";
  static override readonly detail =
    "This refresh token was already used; every session of that login is now revoked";
}

export class InvalidPasswordError extends BadRequestError {
  static override readonly code = "invalid_password";
  static override readonly title = "Invalid password";
  static override readonly detail = "The current password is incorrect";
}

export class InvalidResetTokenError extends BadRequestError {
  static override readonly code = "invalid_reset_token";
  static override readonly title = "Invalid reset token";
  static override readonly detail =
    "The reset token is unknown, expired or already used; ask for a new one";
}
