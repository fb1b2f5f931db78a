import type { ActiveUser } from "../users/users.service";

/** Who is calling: loaded fresh from the users table on every authenticated request. */
export type Principal = ActiveUser & {
  /**
   * The session (refresh token family) the access token was issued for, from its `sid`
   * claim. Absent for a token without one (signed before the claim existed, or minted
   * directly by a test or script): treat it as a session that cannot be told apart.
   */
  sessionId?: string;
};
