package dev.ratelimiter.agent.grpc;

import static dev.ratelimiter.agent.grpc.RlsClient.descriptor;
import static dev.ratelimiter.agent.grpc.RlsClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.jwt.TestTokens;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "Envoy's rate limit service with clientKey.source Jwt and plans: the claim and plan entries Envoy verified")
class RateLimitServicePlansTest {

  static RunningAgent agent;
  static RlsClient rls;

  @BeforeAll
  static void start() {
    agent =
        RunningAgent.start(
            TestSettings.local(null, null, null),
            "policy: shop/llm\n"
                + "limits: [{name: free, requests: 2, window: 1m, match: {plans: [free]}},"
                + " {name: pro, requests: 4, window: 1m, match: {plans: [pro]}}]\n"
                + "plan: {from: {claim: tier}, default: free}\nexemptPlans: [partner]\n"
                + "clientKey: {source: Jwt, missing: Reject, jwt: {issuer: x, jwks: "
                + new TestTokens("rls").jwks()
                + "}}");
    rls = new RlsClient();
  }

  @AfterAll
  static void stop() {
    rls.close();
    agent.close();
  }

  int overLimit(int calls, String... entries) {
    int over = 0;
    for (int i = 0; i < calls; i++) {
      RlsClient.Answer answer =
          rls.callAndWait(agent.agent.grpcPort(), request("shop/llm", 0, descriptor(entries)));
      assertThat(answer.status()).as(answer.message()).isEqualTo(GrpcStatus.OK);
      over += answer.response().getOverallCode() == Code.OVER_LIMIT ? 1 : 0;
    }
    return over;
  }

  @Test
  @DisplayName(
      "each sub is a client on the plan its plan entry names; an unknown plan is the default; a partner is never counted")
  void claimAndPlanEntries() {
    assertThat(overLimit(5, "sub", "alice", "plan", "free")).isEqualTo(3);
    assertThat(overLimit(5, "sub", "bob", "plan", "pro")).isEqualTo(1);
    assertThat(overLimit(5, "sub", "carol", "plan", "platinum")).isEqualTo(3);
    assertThat(overLimit(5, "sub", "dave", "plan", "partner")).isZero();
  }

  @Test
  @DisplayName("without the claim entry (missing Reject): INVALID_ARGUMENT naming the entry")
  void missingClaimEntry() {
    RlsClient.Answer answer =
        rls.callAndWait(
            agent.agent.grpcPort(),
            request("shop/llm", 0, descriptor("remote_address", "203.0.113.1")));
    assertThat(answer.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(answer.message()).contains("'sub'").contains("token claim sub");
  }
}
