package dev.ratelimiter.agent.clientkey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.policy.Jwks;
import dev.ratelimiter.policy.JwtPolicy;
import dev.ratelimiter.testsupport.jwt.TestTokens;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The verified-token cache")
class JwtClientKeyTest {

  static final TestTokens ISSUER = new TestTokens("cache");

  static JwtVerifier verifier() throws Exception {
    return new JwtVerifier(
        new JwtPolicy(
            "Authorization",
            "sub",
            TestTokens.ISSUER,
            List.of(),
            Jwks.canonical(TestTokens.jwks(ISSUER.ec), "jwks"),
            null,
            0),
        null);
  }

  @Test
  @DisplayName(
      "holds at most its bound of tokens however many distinct valid ones arrive, and still verifies each")
  void bounded() throws Exception {
    JwtClientKey keys = new JwtClientKey(verifier(), 100);
    long now = System.currentTimeMillis();
    for (int i = 0; i < 300; i++) {
      String token = ISSUER.es256(TestTokens.claims("client-" + i).build());
      JwtClientKey.Outcome outcome = keys.resolve(List.of("Bearer " + token), now);
      assertThat(outcome.invalid()).isNull();
      assertThat(keys.cachedTokens()).isLessThanOrEqualTo(100);
    }
    assertThat(keys.cachedTokens()).isEqualTo(100);
    assertThat(JwtClientKey.MAX_CACHED_TOKENS).isEqualTo(10_000);
  }

  @Test
  @DisplayName("refuses a cached valid token once its exp has passed")
  void cachedTokensExpire() throws Exception {
    JwtClientKey keys = new JwtClientKey(verifier(), 100);
    long now = System.currentTimeMillis();
    String token =
        ISSUER.es256(TestTokens.claims("a").expirationTime(new Date(now + 2_000)).build());
    assertThat(keys.resolve(List.of("Bearer " + token), now).key()).startsWith("jwt:");
    JwtClientKey.Outcome later = keys.resolve(List.of("Bearer " + token), now + 5_000);
    assertThat(later.invalid()).isNotNull();
    assertThat(later.invalid().reason()).isEqualTo(InvalidToken.EXPIRED);
  }
}
