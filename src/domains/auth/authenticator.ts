import { UnauthenticatedError } from "../../lib/errors";
import type { UsersService } from "../users/users.service";
import { type AccessTokens, InvalidAccessTokenError } from "./access-tokens";
import type { Principal } from "./auth.principal";

/**
 * Turns a bearer token into the current principal. The user is re-read on every request
 * (one primary-key lookup) so deactivation and role changes take effect at once.
 */
export class Authenticator {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly users: UsersService,
  ) {}

  async authenticate(token: string): Promise<Principal> {
    let claims: Awaited<ReturnType<AccessTokens["verify"]>>;
    try {
      claims = await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) {
        throw new UnauthenticatedError(
          "invalid_token",
          error.message === "expired"
            ? "The access token has expired"
            : "The access token is invalid",
        );
      }
      throw error;
    }
    const principal = await this.users.findActivePrincipal(claims.sub);
    if (!principal) {
      throw new UnauthenticatedError(
        "invalid_token",
        "The account behind this token is not active",
      );
    }
    return claims.sid ? { ...principal, sessionId: claims.sid } : principal;
  }
}
