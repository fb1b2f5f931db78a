import type { TokenPairResponse } from "./auth.schemas";
import type { TokenPair } from "./auth.service";

export function toTokenPairResponse(pair: TokenPair): TokenPairResponse {
  return {
    access_token: pair.accessToken,
    token_type: pair.tokenType,
    expires_in: pair.expiresIn,
    refresh_token: pair.refreshToken,
  };
}
