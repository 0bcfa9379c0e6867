package dev.ratelimiter.agent.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.jwt.TestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "Plans and header matches: each client gets its plan's limits, and only a trusted source names the plan")
class PlansTest {

  static final TestTokens ISSUER = new TestTokens("plans");
  final List<RunningAgent> open = new ArrayList<>();
  final TestHttp direct = new TestHttp();
  final TestHttp viaProxy = new TestHttp("127.0.0.2");

  @AfterEach
  void closeAll() {
    open.forEach(RunningAgent::close);
    open.clear();
  }

  RunningAgent agent(String policy) {
    RunningAgent agent = RunningAgent.start(TestSettings.local(null, null, "t"), policy);
    open.add(agent);
    return agent;
  }

  static int allowed(TestHttp http, RunningAgent agent, int tries, String... headers) {
    int allowed = 0;
    for (int i = 0; i < tries; i++) {
      int status = http.get(agent.http(), "/api", headers).status();
      assertThat(status).isIn(200, 429);
      allowed += status == 200 ? 1 : 0;
    }
    return allowed;
  }

  static final String LIMITS =
      "limits: [{name: free-minute, requests: 2, window: 1m, match: {plans: [free]}},"
          + " {name: pro-minute, requests: 5, window: 1m, match: {plans: [pro]}}]\n"
          + "exemptPlans: [partner]\n";

  @Test
  @DisplayName(
      "plan from a claim: free and pro clients get their own quotas at once, a partner is never counted, a forged plan claim gains nothing")
  void planFromClaim() {
    RunningAgent agent =
        agent(
            LIMITS
                + "plan: {from: {claim: plan}, default: free}\n"
                + "clientKey: {source: Jwt, jwt: {issuer: \""
                + TestTokens.ISSUER
                + "\", jwks: "
                + ISSUER.jwks()
                + "}}");
    String free = ISSUER.es256(TestTokens.claims("f").claim("plan", "free").build());
    String pro = ISSUER.es256(TestTokens.claims("p").claim("plan", "pro").build());
    String none = ISSUER.es256(TestTokens.claims("n").build());
    String partner = ISSUER.es256(TestTokens.claims("x").claim("plan", "partner").build());
    assertThat(allowed(direct, agent, 4, "Authorization", "Bearer " + free)).isEqualTo(2);
    assertThat(allowed(direct, agent, 7, "Authorization", "Bearer " + pro)).isEqualTo(5);
    assertThat(allowed(direct, agent, 4, "Authorization", "Bearer " + none))
        .as("no plan claim: the default plan")
        .isEqualTo(2);
    assertThat(allowed(direct, agent, 20, "Authorization", "Bearer " + partner)).isEqualTo(20);
    Reply exempt = direct.get(agent.http(), "/api", "Authorization", "Bearer " + partner);
    assertThat(exempt.header("RateLimit-Policy")).isNull();
    String forged =
        TestTokens.withPayload(free, TestTokens.claims("f").claim("plan", "partner").build());
    Reply refused = direct.get(agent.http(), "/api", "Authorization", "Bearer " + forged);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().getString("check")).isEqualTo("signature");
  }

  @Test
  @DisplayName(
      "plan from a header: believed from a trusted proxy, the default plan from anyone else; RateLimit-Policy lists only the plan's limit")
  void planFromHeader() {
    RunningAgent agent =
        agent(
            LIMITS
                + "plan: {from: {header: X-Plan}, default: free}\n"
                + "clientKey: {source: Header, header: X-Api-Key, trustedProxies: [127.0.0.2/32]}");
    assertThat(allowed(direct, agent, 4, "X-Api-Key", "a", "X-Plan", "pro"))
        .as("X-Plan from an untrusted peer: the free quota")
        .isEqualTo(2);
    assertThat(allowed(viaProxy, agent, 7, "X-Api-Key", "b", "X-Plan", "pro")).isEqualTo(5);
    Reply pro = viaProxy.get(agent.http(), "/api", "X-Api-Key", "c", "X-Plan", "pro");
    assertThat(pro.header("RateLimit-Policy")).contains("pro-minute").doesNotContain("free-minute");
    assertThat(allowed(viaProxy, agent, 4, "X-Api-Key", "d", "X-Plan", "gold"))
        .as("an unknown plan is the default plan")
        .isEqualTo(2);
    assertThat(allowed(viaProxy, agent, 4, "X-Api-Key", "e", "X-Plan", "pro", "X-Plan", "partner"))
        .as("a plan header given twice names no plan: the default")
        .isEqualTo(2);
    assertThat(allowed(viaProxy, agent, 9, "X-Api-Key", "f", "X-Plan", "partner")).isEqualTo(9);
  }

  @Test
  @DisplayName(
      "match.headers: a limit applies to requests carrying the header value, whichever occurrence or element holds it")
  void headerMatches() {
    RunningAgent agent =
        agent(
            "limits: [{name: reports, requests: 2, window: 1m, match: {headers: [{name: X-Report, values: [full]}]}},"
                + " {name: all, requests: 100, window: 1m}]");
    for (int i = 0; i < 5; i++) {
      assertThat(direct.get(agent.http(), "/api", "X-Report", "summary").status()).isEqualTo(200);
    }
    assertThat(direct.get(agent.http(), "/api", "X-Report", "full").status()).isEqualTo(200);
    assertThat(direct.get(agent.http(), "/api", "X-Report", "summary", "x-report", "full").status())
        .isEqualTo(200);
    for (Map.Entry<String, String> escape :
        Map.of("X-Report", "full", "x-report", "summary, full").entrySet()) {
      assertThat(direct.get(agent.http(), "/api", escape.getKey(), escape.getValue()).status())
          .as("%s: %s", escape.getKey(), escape.getValue())
          .isEqualTo(429);
    }
  }
}
